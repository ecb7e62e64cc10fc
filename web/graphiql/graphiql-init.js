// Boots the GraphiQL IDE from the embedded UMD bundles (window.React,
// window.ReactDOM, window.GraphiQL, window.GraphiQLPluginExplorer).
//
// It lives in its own file, not inline in the page, so the page's
// Content-Security-Policy can allow scripts from 'self' only. The GraphQL
// endpoint comes from the data-endpoint attribute that the server fills in.
(function () {
  'use strict';

  var root = document.getElementById('graphiql');

  function fail(message) {
    var p = document.createElement('p');
    p.className = 'graphiql-boot';
    p.textContent = 'GraphiQL failed to start: ' + message;
    root.replaceChildren(p);
  }

  try {
    if (!window.React || !window.ReactDOM || !window.GraphiQL) {
      fail('its scripts did not load');
      return;
    }

    // Same-origin endpoint; subscriptions use the same URL over ws(s)
    // (graphql-ws is bundled in graphiql.min.js and connects lazily, on the
    // first subscription only).
    var url = new URL(root.dataset.endpoint || '/graphql', window.location.href);
    var wsURL = new URL(url.href);
    wsURL.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';

    var fetcher = GraphiQL.createFetcher({
      url: url.href,
      subscriptionUrl: wsURL.href,
    });

    var plugins = [];
    if (window.GraphiQLPluginExplorer) {
      plugins.push(GraphiQLPluginExplorer.explorerPlugin());
    }

    ReactDOM.createRoot(root).render(
      React.createElement(GraphiQL, {
        fetcher: fetcher,
        plugins: plugins,
        // Users paste {"Authorization":"Bearer <token>"} here. The headers
        // are sent with HTTP requests and as websocket connection params.
        isHeadersEditorEnabled: true,
        defaultEditorToolsVisibility: 'headers',
        // Keep bearer tokens out of localStorage.
        shouldPersistHeaders: false,
      }),
    );
  } catch (err) {
    fail(String(err && err.message ? err.message : err));
  }
})();
