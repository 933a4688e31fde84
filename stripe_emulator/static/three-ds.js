/*
 * The 3-D Secure modal (emulator origin), opened by the host's Stripe.js over its page. It frames
 * the test bank's page as #challengeFrame and tells the host when the cardholder has answered.
 */
(function () {
  'use strict';

  var link = window.HostLink, MSG = link.MSG, hash = link.hash, toHost = link.toHost;
  if (!link.framedByHost()) return;

  var challenge = document.getElementById('challengeFrame');
  challenge.src = challenge.getAttribute('data-src') + '#' + new URLSearchParams({key: hash.get('key') || ''});

  window.addEventListener('message', function (event) {
    var data = event.data;
    if (event.origin !== location.origin || event.source !== challenge.contentWindow) return;
    if (!data || typeof data !== 'object' || data[MSG] !== 1 || data.type !== 'challenge-result') return;
    toHost({type: 'challenge-complete', outcome: data.outcome});
  });

  toHost({type: 'ready'});
})();
