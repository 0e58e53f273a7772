from pathlib import Path

from reelchat.config import Settings


def test_defaults_are_offline_with_a_home_workspace(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    settings = Settings()
    assert settings.workspace_dir == Path("~/.reelchat").expanduser().resolve()
    assert settings.database_path == settings.workspace_dir / "reelchat.db"
    assert settings.backend == "animatic" and settings.llm_base_url is None


def test_openai_variables_work_and_reelchat_ones_win(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:8000/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai")
    assert Settings().llm_base_url == "http://127.0.0.1:8000/v1"
    monkeypatch.setenv("REELCHAT_LLM_API_KEY", "sk-reelchat")
    assert Settings().llm_api_key == "sk-reelchat"


def test_dotenv_file_and_flags(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text(f"REELCHAT_WORKSPACE={tmp_path / 'from-env-file'}\n")
    assert Settings().workspace_dir == tmp_path / "from-env-file"
    assert Settings(workspace=tmp_path / "flag").workspace_dir == tmp_path / "flag"


def test_dotenv_endpoint_never_receives_the_environment_key(monkeypatch, tmp_path):
    from reelchat.agent.model import chat_model
    from reelchat.content_filter import ContentFilter

    secret = "sk-REAL-SECRET-KEY-123"
    monkeypatch.chdir(tmp_path)
    for name in ("OPENAI_BASE_URL", "REELCHAT_LLM_BASE_URL", "REELCHAT_LLM_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", secret)
    for line in ("OPENAI_BASE_URL=http://127.0.0.1:9/v1", "REELCHAT_LLM_BASE_URL=http://h/v1",
                 "REELCHAT_MODERATION_BASE_URL=http://h/v1"):  # fmt: skip
        (tmp_path / ".env").write_text(line + "\n")
        settings = Settings(content_filter="moderation")
        assert settings.llm_api_key is None
        assert str(tmp_path / ".env") in settings.notice and "not sent" in settings.notice
        sent = getattr(chat_model(settings), "openai_api_key", None)  # what ChatOpenAI sends
        assert sent is None or sent.get_secret_value() != secret
        assert ContentFilter.from_settings(settings).moderation_api_key != secret
    # the key beside its endpoint (both in .env, or both in the environment) is used
    (tmp_path / ".env").write_text(f"OPENAI_BASE_URL=http://h/v1\nOPENAI_API_KEY={secret}\n")
    monkeypatch.delenv("OPENAI_API_KEY")
    assert Settings().llm_api_key == secret and Settings().notice == ""
    (tmp_path / ".env").write_text("REELCHAT_BACKEND=animatic\n")
    monkeypatch.setenv("OPENAI_API_KEY", secret)
    monkeypatch.setenv("OPENAI_BASE_URL", "http://h/v1")
    assert Settings().llm_api_key == secret
