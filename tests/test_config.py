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
