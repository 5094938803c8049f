"""The public pages (docs/public-pages.md): server-rendered HTML under /publico/{code}/… that anyone reads without
signing in, a search engine indexes and the slowest phone shows at once (no script; one stylesheet; maps and charts
drawn on the server as inline SVG). An edge module: it reads the domains through their public services (the same
views the API answers, the publication policy applied), never their tables."""
