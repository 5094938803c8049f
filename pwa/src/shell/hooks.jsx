import { useEffect, useState, useReducer } from 'preact/hooks';

/** A counter that grows when the context's events or the engine's changes pass `filter`: use it as an effect's
 * dependency to reload what the screen shows. */
export function useRefresh(ctx, filter = () => true) {
  const [n, bump] = useReducer((x) => x + 1, 0);
  useEffect(() => {
    const off1 = ctx.events.on((what) => filter(what) && bump());
    const off2 = ctx.engine.onChange((what) => filter(what) && bump());
    return () => { off1(); off2(); };
  }, []);
  return n;
}

export function useOnline() {
  const [online, setOnline] = useState(navigator.onLine);
  useEffect(() => {
    const up = () => setOnline(true);
    const down = () => setOnline(false);
    window.addEventListener('online', up);
    window.addEventListener('offline', down);
    return () => { window.removeEventListener('online', up); window.removeEventListener('offline', down); };
  }, []);
  return online;
}

export function navigate(path) {
  history.pushState(null, '', path);
  window.dispatchEvent(new Event('vigia:navigate'));
}

export function usePath() {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const sync = () => setPath(location.pathname);
    window.addEventListener('popstate', sync);
    window.addEventListener('vigia:navigate', sync);
    return () => { window.removeEventListener('popstate', sync); window.removeEventListener('vigia:navigate', sync); };
  }, []);
  return path;
}

export function Link({ href, children, ...rest }) {
  const click = (event) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={click} {...rest}>{children}</a>;
}
