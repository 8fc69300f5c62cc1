"""A learner's real experience: JupyterLab in headless Chromium runs lesson 01 and an exercise.

JupyterLab runs on localhost with a token and throw-away settings, workspace and runtime folders; Chromium
is Debian's (``apt-get install chromium``, which ``.ci/run`` does), driven by Playwright without any browser
download. Screenshots land in ``test-artifacts/browser/``. Without Chromium the test is skipped, except in
CI (``CI=true``), where that is a failure.
"""

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM = next((path for path in (shutil.which("chromium"), shutil.which("chromium-browser"), "/usr/bin/chromium")
                 if path and Path(path).exists()), None)
RUN_TIMEOUT_MS = 120_000


def _browser_or_skip():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if CHROMIUM and sync_playwright:
        return sync_playwright
    reason = "the browser test needs Debian's chromium (apt-get install chromium) and the playwright package"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(reason)
    pytest.skip(reason)


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server serving the repository; stopped, kernels and all, whatever happens."""
    _browser_or_skip()
    home = tmp_path_factory.mktemp("jupyterlab")
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_RUNTIME_DIR=str(home / "runtime"),
               NN_COURSE_PROGRESS=str(home / "progress.json"), PYDEVD_DISABLE_FILE_VALIDATION="1")
    env.pop("MPLBACKEND", None)
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", f"--port={port}",
               "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={ROOT}",
               f"--LabApp.user_settings_dir={home / 'settings'}", f"--LabApp.workspaces_dir={home / 'workspaces'}",
               "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    news = home / "settings" / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    news.parent.mkdir(parents=True)
    news.write_text('{"fetchNews": "false", "checkForUpdates": false}')
    log = open(home / "jupyterlab.log", "wb")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("JupyterLab did not start:\n" + (home / "jupyterlab.log").read_text()[-3000:])
                time.sleep(0.3)
        yield {"base": base, "token": token, "home": home}
    finally:
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
            try:
                os.killpg(server.pid, sig)
                server.wait(timeout=wait)
                break
            except (ProcessLookupError, subprocess.TimeoutExpired):
                continue
        log.close()


@pytest.fixture(scope="module")
def browser(lab):
    sync_playwright = _browser_or_skip()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM,
                                              args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        try:
            yield chromium
        finally:
            chromium.close()


def _open_and_run_all(browser, lab, path):
    """Open a notebook in JupyterLab, run all its cells, and return the page once every cell has run."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(RUN_TIMEOUT_MS)
    page.goto(f"{lab['base']}/lab/tree/{path}?reset&token={lab['token']}")
    page.wait_for_selector(".jp-Notebook .jp-CodeCell")
    try:  # JupyterLab may ask which kernel to start: the notebook's own (Python 3) is preselected
        page.locator(".jp-Dialog .jp-mod-accept", has_text="Select").click(timeout=10_000)
    except PlaywrightTimeout:
        pass
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']")
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    # Every code cell gets a number once it has run; "[*]" marks one still running or queued.
    page.wait_for_function("""() => {
        const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map(p => p.textContent);
        return prompts.length > 0 && prompts.every(text => /\\[\\d+\\]/.test(text));
    }""", timeout=RUN_TIMEOUT_MS)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']")
    return page


def _errors(page):
    return page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").all_inner_texts()


def test_lesson_01_runs_shows_plots_and_its_widget_responds(browser, lab):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    page = _open_and_run_all(browser, lab, "notebooks/01_neurons.ipynb")
    page.screenshot(path=str(ARTIFACTS / "01_neurons_after_run_all.png"))
    assert _errors(page) == []
    assert page.locator(".jp-OutputArea-output img").count() >= 3, "plots are displayed as images"

    explorer = page.locator(".jupyter-widgets.widget-vbox", has_text="One neuron").first
    explorer.scroll_into_view_if_needed()
    assert explorer.locator(".widget-slider").count() >= 3, "the neuron explorer renders its sliders"
    verdict = explorer.locator(".widget-html", has_text="(1, 1)").first
    image = explorer.locator("img").first
    before_text, before_image = verdict.inner_text(), image.get_attribute("src")
    explorer.screenshot(path=str(ARTIFACTS / "neuron_explorer_before.png"))
    handle = explorer.locator(".widget-slider", has_text="b").locator(".noUi-handle").first
    handle.focus()
    for _ in range(15):  # move the bias well to the left: the AND neuron stops firing for (1, 1)
        page.keyboard.press("ArrowLeft")
    page.wait_for_function("([element, text]) => element.innerText !== text",
                           arg=[verdict.element_handle(), before_text], timeout=30_000)
    page.wait_for_function("""([root, src]) => {
        const img = root.querySelector('img');
        return img !== null && img.getAttribute('src') !== src && img.complete && img.naturalWidth > 0;
    }""", arg=[explorer.element_handle(), before_image], timeout=30_000)
    explorer.screenshot(path=str(ARTIFACTS / "neuron_explorer_after.png"))
    page.close()
    print(f"lesson 01 in the browser: {time.monotonic() - started:.1f} s")


def test_exercise_01_checks_say_not_attempted(browser, lab):
    page = _open_and_run_all(browser, lab, "exercises/01_neurons.ipynb")
    page.screenshot(path=str(ARTIFACTS / "exercise_01_after_run_all.png"), full_page=True)
    assert _errors(page) == []
    verdicts = page.locator(".jp-OutputArea-output", has_text="not attempted")
    assert verdicts.count() == 6
    assert "Replace `raise NotImplementedError()`" in verdicts.first.inner_text()
    page.close()
