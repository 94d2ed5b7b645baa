/*
 * The time limit on a resident's answers (WCAG 2.2.1 Timing Adjustable).
 *
 * Progressive enhancement of the notice in templates/web/journey/_time_limit.html: before the
 * answers would be cleared, a dialog says so and counts down; "Keep my answers" asks the server for
 * more time in the background (POST /keep-my-answers/), so nothing typed on the page is lost.
 * Typing also keeps the answers (at most one request a minute). Without JavaScript the notice
 * says until when the answers are kept, and every page continued restarts the clock.
 */
(function () {
  'use strict';
  var notice = document.querySelector('[data-module="ncc-time-limit"]');
  var dialog = document.querySelector('.ncc-time-limit__dialog');
  if (!notice || !dialog || typeof dialog.showModal !== 'function' || !window.fetch) return;

  var warnSeconds = parseInt(notice.getAttribute('data-warn-seconds'), 10);
  var keepUrl = notice.getAttribute('data-keep-url');
  var csrfToken = notice.getAttribute('data-csrf-token');
  var countdown = dialog.querySelector('.ncc-time-limit__countdown');
  var live = dialog.querySelector('[data-time-limit-live]');
  var error = dialog.querySelector('.ncc-time-limit__error');
  var keepButton = dialog.querySelector('[data-time-limit-keep]');
  var title = dialog.querySelector('#time-limit-title');
  var expiresAt = 0;
  var warnTimer = null;
  var tick = null;
  var lastKept = Date.now();
  var returnFocus = null;

  notice.querySelector('.ncc-time-limit__js').hidden = false;

  function words(seconds) {
    if (seconds >= 120) return Math.ceil(seconds / 60) + ' minutes';
    if (seconds >= 60) return '1 minute';
    return seconds + ' second' + (seconds === 1 ? '' : 's');
  }

  function schedule(seconds) {
    expiresAt = Date.now() + seconds * 1000;
    clearTimeout(warnTimer);
    warnTimer = setTimeout(warn, Math.max(0, (seconds - warnSeconds) * 1000));
  }

  function remaining() {
    return Math.max(0, Math.round((expiresAt - Date.now()) / 1000));
  }

  function update() {
    var left = remaining();
    countdown.textContent = words(left);
    // screen readers hear the time at each minute and in the last 20 seconds, not every second
    if (left % 60 === 0 || left === 20) live.textContent = 'Your answers will be cleared in ' + words(left) + '.';
    if (left === 0) {
      clearInterval(tick);
      title.textContent = 'Your answers have been cleared';
      dialog.querySelector('#time-limit-text').textContent =
        'We cleared your answers to protect your information. What you typed on this page is still here: ' +
        'close this message to copy it, then start again.';
      keepButton.textContent = 'Close';
      keepButton.setAttribute('data-time-limit-expired', '');
    }
  }

  function warn() {
    if (dialog.open) return;
    returnFocus = document.activeElement;
    error.hidden = true;
    dialog.showModal();
    title.focus();
    update();
    live.textContent = 'Your answers will be cleared in ' + words(remaining()) + ' unless you ask for more time.';
    clearInterval(tick);
    tick = setInterval(update, 1000);
  }

  function close() {
    clearInterval(tick);
    if (dialog.open) dialog.close();
    if (returnFocus && returnFocus.focus) returnFocus.focus();
  }

  function keep() {
    var body = new FormData();
    body.append('csrfmiddlewaretoken', csrfToken);
    return fetch(keepUrl, {
      method: 'POST',
      body: body,
      credentials: 'same-origin',
      headers: { 'X-CSRFToken': csrfToken, Accept: 'application/json' }
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok || !data.kept) throw new Error('not kept');
        lastKept = Date.now();
        schedule(data.seconds);
      });
    });
  }

  keepButton.addEventListener('click', function () {
    if (keepButton.hasAttribute('data-time-limit-expired')) return close();
    keepButton.disabled = true;
    keep().then(close, function () {
      error.textContent = 'Sorry, we could not keep your answers. Check your connection and try again.';
      error.hidden = false;
    }).then(function () { keepButton.disabled = false; });
  });

  // Escape closes a modal dialog: treat it as "keep my answers", never as losing them
  dialog.addEventListener('cancel', function (event) {
    event.preventDefault();
    keepButton.click();
  });

  // someone typing is not idle: keep their answers, at most once a minute
  document.addEventListener('input', function () {
    if (!dialog.open && remaining() > 0 && Date.now() - lastKept > 60000) keep().catch(function () {});
  });

  schedule(parseInt(notice.getAttribute('data-seconds'), 10));
})();
