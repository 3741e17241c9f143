/* Typesets the page's equations offline (docs/hooks/math.py).
 *
 * The Markdown carries pymdownx.arithmatex's generic markup: <span class="arithmatex">\(...\)</span>
 * inline and <div class="arithmatex">\[...\]</div> displayed. On a page that has some, this loads
 * the MathJax bundle that Bokeh ships (copied beside this file at build time) and replaces each by
 * MathJax's SVG rendering: no font and nothing from outside the site is loaded. The bundle is a
 * BokehJS plugin that registers its modules with `Bokeh[version].register_plugin`; when the page
 * has no BokehJS (the docs never do) a minimal stand-in for that loader runs the modules instead.
 */
(function () {
  "use strict";
  const script = document.currentScript;
  const bundle = new URL("bokeh-mathjax.min.js", script.src).href;
  let mathjax = null; // the plugin's models/text/mathjax/index module: tex2svg(tex, {display})
  let loading = null;

  function standIn() {
    const loader = {
      register_plugin(modules, entry, aliases) {
        const cache = {};
        const require = function (name) {
          const id = typeof name === "number" ? name : (aliases[name] ?? name);
          if (!(id in cache)) {
            if (!(id in modules)) throw new Error("math.js: no module " + name + " in the bundle");
            const mod = { exports: {} };
            cache[id] = mod;
            const esModule = () => Object.defineProperty(mod.exports, "__esModule", { value: true });
            const esExport = (key, value) =>
              Object.defineProperty(mod.exports, key, { enumerable: true, get: () => value });
            modules[id].call(mod.exports, require, mod, mod.exports, esModule, esExport);
          }
          return cache[id].exports;
        };
        const plugin = require(entry);
        mathjax = require("models/text/mathjax/index");
        return plugin;
      },
    };
    // the bundle reads Bokeh[its version]: any version gets the stand-in
    return new Proxy({}, { get: () => loader });
  }

  function load() {
    if (loading === null) {
      loading = new Promise(function (resolve, reject) {
        const real = typeof window.Bokeh !== "undefined";
        if (!real) window.Bokeh = standIn();
        const tag = document.createElement("script");
        tag.src = bundle;
        tag.onload = function () {
          if (real) mathjax = window.Bokeh.require("models/text/mathjax/index");
          else delete window.Bokeh;
          mathjax ? resolve(mathjax) : reject(new Error("math.js: the MathJax bundle did not register"));
        };
        tag.onerror = () => reject(new Error("math.js: cannot load " + bundle));
        document.head.appendChild(tag);
      });
    }
    return loading;
  }

  // the TeX inside arithmatex's \( \) or \[ \]
  function source(el, display) {
    const text = el.textContent.trim();
    const [open, close] = display ? ["\\[", "\\]"] : ["\\(", "\\)"];
    return text.startsWith(open) && text.endsWith(close) ? text.slice(2, -2) : text;
  }

  // MathJax draws a TeX error (merror) or an undefined command (noundefined: red text) in place
  function error(node) {
    const bad = node.querySelector('[data-mml-node="merror"], [data-mml-node="mtext"][fill="red"]');
    if (bad === null) return null;
    return bad.getAttribute("data-mjx-error") || "undefined command";
  }

  function typeset() {
    const pending = Array.from(document.querySelectorAll(".arithmatex:not([data-typeset])"));
    if (pending.length === 0) return Promise.resolve(0);
    return load().then(function (jax) {
      for (const el of pending) {
        const display = el.tagName !== "SPAN";
        const tex = source(el, display);
        const node = jax.tex2svg(tex, { display: display });
        el.replaceChildren(node);
        const problem = error(node);
        if (problem !== null) {
          el.setAttribute("data-tex-error", problem);
          console.error("math.js: " + problem + " in " + tex);
        }
        el.setAttribute("data-typeset", "");
        el.setAttribute("role", "math");
        el.setAttribute("aria-label", tex);
      }
      return pending.length;
    });
  }

  // material's instant navigation swaps the page content and signals it on document$
  if (typeof window.document$ !== "undefined" && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(() => typeset().catch(console.error));
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", () => typeset().catch(console.error));
  } else {
    typeset().catch(console.error);
  }
  // for content a page adds later: spintorqueTypeset() typesets what is new
  window.spintorqueTypeset = typeset;
})();
