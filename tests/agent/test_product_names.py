"""A product video keeps the product's name as the person wrote it: every shot that speaks of
the product says its name (never "our app"), the kind ("notes app") is kept where the product
is introduced, and the words naming the product are neither the audience nor the feature."""

from __future__ import annotations

import pytest

from reelchat.agent.parse.product import product_named
from reelchat.agent.parse.reading import read_message
from reelchat.agent.parse.request import plan_new_video
from reelchat.agent.session import SessionState
from reelchat.storyboard.templates import PRODUCT_DEMO, from_template


def _said(args) -> str:
    return " ".join(
        [args.title, args.logline or ""]
        + [f"{s.title} {s.prompt} {s.narration or ''} {s.caption or ''}" for s in args.shots]
    )


@pytest.mark.parametrize(
    ("request_text", "name", "introduced"),
    [
        ("a 3 shot product demo of our notes app Notely", "Notely", "Notely, our notes app"),
        ("a demo of Notely, our notes app", "Notely", "Notely, our notes app"),
        (
            "a product video for our budgeting tool called Pennywise",
            "Pennywise",
            "Pennywise, our budgeting tool",
        ),
        ("a demo of our app's new export button in Figjam", "Figjam", "Figjam, our app"),
        ("an explainer of our CRM, HubLite", "HubLite", "HubLite, our CRM"),
        ("a promo for the Lumen desk lamp", "Lumen", "the Lumen desk lamp"),
        ("a short video about our app iNotes, vertical", "iNotes", "iNotes, our app"),
        ("a demo of the export button in Figjam", "Figjam", "Figjam"),
        ("create an ad for Brewly, the coffee subscription", "Brewly",
         "Brewly, the coffee subscription"),
        ("I need a launch video for our chrome extension TabTamer", "TabTamer",
         "TabTamer, our chrome extension"),
        ('a 4 shot demo of our product called "Notely"', "Notely", "Notely, our product"),
        ('a demo of "Notely", our notes app', "Notely", "Notely, our notes app"),
        ("a promo for Acme's new app Bloop", "Bloop", "Bloop, Acme's app"),
        ("a walkthrough of our dashboard, Metricly, for new customers", "Metricly",
         "Metricly, our dashboard"),
        ("could you make a 4 shot demo of our new tracker named stepCount", "stepCount",
         "stepCount, our tracker"),
    ],
)  # fmt: skip
def test_the_product_is_called_by_its_name_in_every_shot(request_text, name, introduced):
    args = plan_new_video(request_text, seed=1).args
    said = _said(args)
    assert "our app" not in said.replace(f"{name}, our app", "")
    assert args.shots[-1].narration == f"Try {name} today."
    assert f"Meet {introduced}." in " ".join(s.narration or "" for s in args.shots)
    assert name in args.title
    assert all(name in shot.prompt for shot in args.shots)


@pytest.mark.parametrize(
    "request_text",
    ["a promo for the Lumen desk lamp", "a product video for our budgeting tool called Pennywise"],
)
def test_the_words_naming_the_product_are_not_the_audience(request_text):
    args = plan_new_video(request_text, seed=1).args
    assert args.audience == "everyone"


def test_an_audience_after_the_product_is_still_the_audience():
    args = plan_new_video("a demo of Notely, our notes app, for students", seed=1).args
    assert args.audience == "students"
    assert args.logline.endswith("for students.")


def test_a_named_product_with_no_feature_never_repeats_its_name_as_the_feature():
    args = plan_new_video("a 6 shot demo of our notes app Notely", seed=1).args
    said = _said(args)
    assert "Notely, in Notely" not in said and "our notes app Notely" not in said
    assert "Here's Notely in action." in said


def test_a_feature_and_a_named_product_are_both_kept():
    args = plan_new_video("a 6 shot demo of our app's new export button in Figjam", seed=1).args
    assert args.title == "Figjam: the new export button"
    assert "Here's the new export button, in Figjam." in _said(args)
    assert "in Figjam in Figjam" not in _said(args)


def test_a_request_read_in_chat_uses_the_name_too():
    reading = read_message("a 3 shot product demo of our notes app Notely", None)
    (call,) = reading.calls
    assert [shot.title for shot in call.args.shots] == [
        "The problem", "Meet Notely", "Try Notely today",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("request_text", "title"),
    [("an explainer about the Moon landing", "The Moon landing"),
     ("a video about my dog Rex", "My dog Rex")],
)  # fmt: skip
def test_requests_that_are_not_product_videos_keep_their_topic(request_text, title):
    args = plan_new_video(request_text, seed=1).args
    assert args.title == title
    assert not args.shots[-1].title.startswith("Try ")


def test_a_demo_naming_no_product_calls_it_our_app():
    assert product_named("a demo of our app's new export button") is None
    args = plan_new_video("a 3 shot demo of our app's new export button", seed=1).args
    assert "Meet our app." in _said(args)


def test_a_name_is_never_read_out_of_markup():
    product = product_named("a demo of our app <b>Bold</b> for <i>teams</i>")
    assert product is None or not set("<>/") & set(product.introduced)


def test_a_product_said_by_its_kind_alone_keeps_the_kind():
    args = plan_new_video("a 3 shot demo of our notes app", seed=1).args
    assert [shot.narration for shot in args.shots][1:] == [
        "Meet our notes app.", "Try our notes app today.",
    ]  # fmt: skip


def test_what_the_product_does_is_the_feature_shown():
    args = plan_new_video("an explainer of how our CRM HubLite tracks leads", seed=1).args
    assert args.title == "How HubLite tracks leads"
    said = _said(args)
    assert "Here's how HubLite tracks leads." in said and "Meet HubLite, our CRM." in said


@pytest.mark.parametrize(
    ("request_text", "title"),
    [
        ("a demo of our apps new export button", "Our app: the new export button"),
        ("a demo of our products new dashboard", "Our product: the new dashboard"),
    ],
)
def test_a_possessive_without_its_apostrophe_keeps_the_feature(request_text, title):
    assert plan_new_video(request_text, seed=1).args.title == title


def test_a_template_of_a_product_video_makes_the_product_name_the_variable():
    board = from_template(
        PRODUCT_DEMO, product="Notely", product_intro="Notely, our notes app", shots=3
    )
    reading = read_message("make it a template", SessionState(version=1, storyboard=board))
    (call,) = reading.calls
    assert call.name == "make_template"
    assert call.args.replacements == {"Notely": "product"}
