/* Starts Redoc from a file, as the Content-Security-Policy refuses inline scripts: the
   schema's address and the page's nonce (for the <style> elements Redoc adds) are on the
   container. */
(function () {
  var container = document.getElementById("redoc-container");
  Redoc.init(container.dataset.schema, {nonce: container.dataset.nonce}, container);
})();
