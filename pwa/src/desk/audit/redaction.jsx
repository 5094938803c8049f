// Placeholder written by the issue 18 skeleton: replaced by the screen itself (see /tmp/brief/BRIEF.md).
export default function Screen() { return <h1 tabIndex="-1">…</h1>; }
