/**
 * The demo's stylesheet, served at `/style.css`: text with a contrast of at least 7:1 (links on code
 * backgrounds included), a focus ring on everything the keyboard reaches, and no layout that needs a script.
 */
import { type DemoResponse, respond } from './exchange.js';

const STYLESHEET = `:root { color-scheme: light; --text: #1b1b1f; --muted: #45454d; --link: #0a46ad; --line: #c9c9d1; --soft: #f3f3f6; }
* { box-sizing: border-box; }
body { margin: 0; font: 1.0625rem/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; color: var(--text); background: #fff; }
header, main, footer { max-width: 48rem; margin: 0 auto; padding: 0 1.25rem; }
header { padding-top: 1rem; border-bottom: 1px solid var(--line); }
.brand { margin: 0 0 .25rem; font-weight: 700; font-size: 1.15rem; }
.brand a { color: var(--text); text-decoration: none; }
nav ul { display: flex; flex-wrap: wrap; gap: .25rem 1rem; list-style: none; margin: 0; padding: 0 0 .75rem; }
nav a[aria-current="page"] { color: var(--text); font-weight: 700; text-decoration-thickness: 3px; }
main { padding-bottom: 2rem; }
h1 { font-size: 1.9rem; line-height: 1.2; margin: 1.25rem 0 .75rem; }
h2 { font-size: 1.3rem; margin: 2rem 0 .5rem; }
a { color: var(--link); text-underline-offset: .15em; }
a:hover { text-decoration-thickness: 2px; }
:focus-visible { outline: 3px solid var(--link); outline-offset: 2px; }
.skip { position: absolute; left: -100rem; }
.skip:focus { left: 1rem; top: .5rem; background: #fff; padding: .25rem .5rem; }
code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .92em; }
code { background: var(--soft); padding: .05em .3em; border-radius: 3px; overflow-wrap: anywhere; }
pre { background: var(--soft); padding: .75rem 1rem; border-radius: 6px; overflow-x: auto; }
pre code { padding: 0; background: none; }
.lead { font-size: 1.15rem; }
.muted, footer { color: var(--muted); }
footer { border-top: 1px solid var(--line); font-size: .9rem; }
.count { font-size: 1.35rem; }
.count strong { font-size: 2.6rem; margin-left: .25rem; }
.result { padding: .75rem 1rem; border-left: 6px solid; border-radius: 4px; }
.result.ok { background: #e8f5ec; border-color: #1c6b33; color: #0c3318; }
.result.bad { background: #fcebea; border-color: #a3221b; color: #4d0d09; }
.messages { list-style: none; padding: 0; }
.messages li { padding: .5rem .75rem; margin: .25rem 0; border-radius: 4px; background: #e9f0fd; color: #10244f; }
.messages li.success { background: #e8f5ec; color: #0c3318; }
.messages li.error { background: #fcebea; color: #4d0d09; }
[role="alert"] { color: #8a1c15; font-weight: 600; }
label { font-weight: 600; }
fieldset { border: 1px solid var(--line); border-radius: 6px; padding: .5rem 1rem; }
legend { font-weight: 700; padding: 0 .25rem; }
fieldset label { font-weight: 400; }
fieldset .field { margin-left: 1.75rem; }
input[type="text"], input[type="password"], input[type="number"], input[type="datetime-local"], input:not([type]) {
  font: inherit; padding: .3rem .5rem; border: 1px solid #767680; border-radius: 4px; min-width: 12rem; }
input[type="radio"] { width: 1.1rem; height: 1.1rem; vertical-align: -.15rem; }
button { font: inherit; font-weight: 600; color: #fff; background: var(--link); border: 0; border-radius: 5px; padding: .45rem 1rem; cursor: pointer; }
button:hover { background: #07357f; }
button.quiet { color: var(--link); background: none; border: 1px solid var(--link); padding: .2rem .6rem; font-weight: 500; }
.inline { display: inline; }
.tries li { margin: .35rem 0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
caption { text-align: left; font-weight: 600; padding: .25rem 0; }
th, td { text-align: left; vertical-align: top; border-bottom: 1px solid var(--line); padding: .4rem .5rem; }
thead th { background: var(--soft); }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
`;

/** `GET /style.css`: cached for an hour, and never a reason to touch the session. */
export function stylesheet(): DemoResponse {
  return respond(200, 'text/css; charset=utf-8', STYLESHEET, { 'Cache-Control': 'max-age=3600' });
}
