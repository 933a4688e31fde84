/*
 * What every frame of the local Stripe.js shares with the host page that opened it: the settings
 * in its URL's hash, whether that host is the one framing it, and a postMessage to that host
 * only, marked as ours and carrying the frame's id when it has one. Loaded before the frame's
 * own script, as card-rules.js is.
 */
(function () {
  'use strict';

  var MSG = '__stripeEmulator';
  var hash = new URLSearchParams(location.hash.slice(1));
  var hostOrigin = hash.get('origin');
  var frameId = hash.get('frameId');

  function framedByHost() {
    var ancestors = location.ancestorOrigins;
    if (!hostOrigin || window.parent === window) return false;
    return !ancestors || !ancestors.length || ancestors[0] === 'null' || ancestors[0] === hostOrigin;
  }

  function toHost(message) {
    message[MSG] = 1;
    if (frameId !== null) message.frameId = frameId;
    window.parent.postMessage(message, hostOrigin);
  }

  window.HostLink = {MSG: MSG, hash: hash, hostOrigin: hostOrigin, framedByHost: framedByHost,
                     toHost: toHost};
})();
