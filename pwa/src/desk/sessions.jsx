// Placeholder of the screen at this path (pwa/src/desk/routes.js): replaced by the screen itself.
export default function Screen() {
  return <h1 tabIndex={-1}>…</h1>;
}
