/*
 * The test bank's 3-D Secure page, inside the modal's #challengeFrame. "Complete" or "Fail"
 * resolves the challenge through the emulator's API, then tells the modal (same origin).
 */
(function () {
  'use strict';

  var MSG = '__stripeEmulator';
  var key = new URLSearchParams(location.hash.slice(1)).get('key');
  var clientSecret = new URLSearchParams(location.search).get('client_secret') || '';
  var intent = document.body.getAttribute('data-intent');
  var buttons = Array.prototype.slice.call(document.querySelectorAll('[data-outcome]'));
  var status = document.querySelector('.ACS-status');

  function tellModal(outcome) {
    if (window.parent === window) return;
    var message = {type: 'challenge-result', outcome: outcome};
    message[MSG] = 1;
    window.parent.postMessage(message, location.origin);
  }

  function answer(outcome) {
    buttons.forEach(function (button) { button.disabled = true; });
    status.textContent = 'Sending…';
    var intents = intent.indexOf('seti_') === 0 ? '/v1/setup_intents/' : '/v1/payment_intents/';
    fetch(intents + encodeURIComponent(intent) + '/three_ds_challenge', {
      method: 'POST',
      headers: {
        Authorization: 'Bearer ' + key,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({client_secret: clientSecret, outcome: outcome}).toString(),
      credentials: 'omit',
    }).then(function (response) {
      status.textContent = response.ok ? 'Done.' : 'The bank could not record the answer (HTTP ' + response.status + ').';
    }, function () {
      status.textContent = 'The bank could not be reached.';
    }).then(function () {
      tellModal(outcome);
    });
  }

  buttons.forEach(function (button) {
    button.addEventListener('click', function () { answer(button.getAttribute('data-outcome')); });
    button.disabled = false;  // the page renders them disabled until now
  });
})();
