// Interactive API docs: Swagger UI on the portal's own OpenAPI document. A file, not an inline
// script, so the Content-Security-Policy can refuse inline scripts (docs/security.md).
// validatorUrl: null keeps visitors' browsers from sending the document's address to
// validator.swagger.io for its badge.
window.addEventListener("load", function () {
  window.SwaggerUIBundle({
    url: "/api/openapi.json", dom_id: "#swagger-ui", deepLinking: false, validatorUrl: null
  });
});
