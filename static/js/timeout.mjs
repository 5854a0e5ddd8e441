// The GOV.UK timeout warning: before an idle session ends, a modal dialog
// says so and offers "Stay signed in". Progressive enhancement only: with
// no JavaScript the dialog is never shown, and a form sent after the
// session ended is kept until the person signs in again (core.signed_out).
//
// The page says how many seconds its session has left. Another tab may
// have kept the session alive meanwhile, so before warning (and before
// saying someone has been signed out) the status address is asked how
// long is left; asking does not renew the session.

const dialog = document.querySelector('[data-module="app-timeout-warning"]');

function describe(seconds) {
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  const parts = [];
  if (minutes > 0) parts.push(`${minutes} minute${minutes === 1 ? "" : "s"}`);
  if (rest > 0 || minutes === 0) parts.push(`${rest} second${rest === 1 ? "" : "s"}`);
  return parts.join(" ");
}

function start(dialog) {
  const warningSeconds = Number(dialog.dataset.warningSeconds);
  const statusUrl = dialog.dataset.statusUrl;
  const countdown = dialog.querySelector(".app-timeout-dialog__countdown");
  const announce = dialog.querySelector("[data-timeout-announce]");
  const warningState = dialog.querySelector('[data-timeout-state="warning"]');
  const signedOutState = dialog.querySelector('[data-timeout-state="signed-out"]');
  const keepAliveForm = dialog.querySelector("[data-timeout-keep-alive]");
  let endsAt = 0;
  let timer = null;
  let ticker = null;

  function schedule(secondsLeft) {
    endsAt = Date.now() + secondsLeft * 1000;
    clearTimeout(timer);
    timer = setTimeout(check, Math.max(0, secondsLeft - warningSeconds) * 1000);
  }

  async function status() {
    try {
      const response = await fetch(statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      return response.ok ? await response.json() : null;
    } catch {
      return null;
    }
  }

  async function check() {
    const now = await status();
    if (now && now.signed_in && now.seconds_left > warningSeconds) {
      schedule(now.seconds_left); // busy in another tab: wait again
      return;
    }
    if (now) endsAt = Date.now() + now.seconds_left * 1000;
    if ((now && !now.signed_in) || secondsRemaining() === 0) {
      signedOut();
      return;
    }
    warn();
  }

  function secondsRemaining() {
    return Math.max(0, Math.round((endsAt - Date.now()) / 1000));
  }

  function tick() {
    const left = secondsRemaining();
    countdown.textContent = describe(left);
    // Screen readers hear the time at each minute and in the last 20 seconds.
    if (left % 60 === 0 || left === 20) announce.textContent = describe(left);
    if (left === 0) {
      clearInterval(ticker);
      check();
    }
  }

  function warn() {
    warningState.hidden = false;
    signedOutState.hidden = true;
    countdown.textContent = describe(secondsRemaining());
    announce.textContent = "";
    if (!dialog.open) dialog.showModal();
    clearInterval(ticker);
    ticker = setInterval(tick, 1000);
  }

  function signedOut() {
    clearInterval(ticker);
    warningState.hidden = true;
    signedOutState.hidden = false;
    if (!dialog.open) dialog.showModal();
    signedOutState.querySelector("button").focus();
  }

  async function stayed() {
    clearInterval(ticker);
    try {
      const response = await fetch(keepAliveForm.action, {
        method: "POST",
        body: new FormData(keepAliveForm),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      const body = response.ok ? await response.json().catch(() => null) : null;
      if (body && body.signed_in) {
        dialog.close();
        schedule(body.seconds_left);
        return;
      }
    } catch {
      // Fall through: say what happened rather than pretend.
    }
    signedOut();
  }

  keepAliveForm.addEventListener("submit", (event) => {
    event.preventDefault();
    stayed();
  });
  // Escape closes a modal dialog: treat it as "Stay signed in", as GOV.UK's
  // pattern does, unless the session has already ended.
  dialog.addEventListener("cancel", (event) => {
    if (!warningState.hidden) {
      event.preventDefault();
      stayed();
    }
  });
  dialog.querySelector("[data-timeout-close]").addEventListener("click", () => dialog.close());

  schedule(Number(dialog.dataset.secondsLeft));
}

if (dialog && typeof dialog.showModal === "function") start(dialog);
