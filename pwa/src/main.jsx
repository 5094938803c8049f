import { render } from 'preact';
import { App } from './shell/app.jsx';
import { boot } from './shell/state.js';
import './style.css';

boot().then((ctx) => {
  render(<App ctx={ctx} />, document.getElementById('app'));
});
