// The auditors' workspace (issue 18): placeholder written by the skeleton, replaced by the screens themselves.
export function Audit() { return <h1 tabIndex="-1">…</h1>; }
