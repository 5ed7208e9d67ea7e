// nntrace explore: step through a traced run. Every number comes from the data below,
// written by nntrace (render/explore.py); the formulas are the step's own templates
// (core/ops.py), filled in here. Each element that shows a traced value carries
// data-name (its trace name) and data-value (the value's repr, as Python writes it).
"use strict";
(function () {
  const DATA = JSON.parse(document.getElementById("nntrace-data").textContent);
  const SVG = "http://www.w3.org/2000/svg";

  // ---- Numbers, written exactly as nntrace writes them in Python ---------------------

  // The shortest digits that read back as x, and the decimal exponent: 0.0625 -> ["625", -2].
  function shortest(x) {
    const [mantissa, exponent] = Math.abs(x).toExponential().split("e");
    return [mantissa.replace(".", ""), Number(exponent)];
  }

  // repr(x) for a Python float: 0.1, 1e-05, 1e+16, -0.0, 1.0, nan, inf.
  function repr(x) {
    if (Number.isNaN(x)) return "nan";
    if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
    const sign = x < 0 || Object.is(x, -0) ? "-" : "";
    if (x === 0) return sign + "0.0";
    const [digits, exponent] = shortest(x);
    return sign + (exponent >= -4 && exponent < 16 ? fixed(digits, exponent, true)
      : scientific(digits, exponent));
  }

  // digits d1d2d3... with the point after d1 times 10^exponent, written out without an exponent.
  function fixed(digits, exponent, pointZero) {
    let text;
    if (exponent >= 0) {
      const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, "0");
      const fraction = digits.slice(exponent + 1);
      text = fraction ? whole + "." + fraction : whole + (pointZero ? ".0" : "");
    } else {
      text = "0." + "0".repeat(-exponent - 1) + digits;
    }
    return text;
  }

  function scientific(digits, exponent) {
    const mantissa = digits.length > 1 ? digits[0] + "." + digits.slice(1) : digits;
    const size = String(Math.abs(exponent)).padStart(2, "0");
    return mantissa + "e" + (exponent < 0 ? "-" : "+") + size;
  }

  // x rounded to p significant digits as Python's format does (half to even on the exact
  // binary value): the digits (p of them) and the exponent.
  function rounded(x, p) {
    const [mantissa, exponent] = Math.abs(x).toExponential(p - 1).split("e");
    let digits = mantissa.replace(".", "");
    let power = Number(exponent);
    // JavaScript rounds an exact tie away from zero; Python to the even digit. A tie shows
    // as a 5 in the next digit (cheap to rule out), then as nothing but zeros after it.
    if (!Math.abs(x).toExponential(p).split("e")[0].endsWith("5")) return [digits, power];
    const [exact, exactPower] = Math.abs(x).toExponential(100).split("e");
    const all = exact.replace(".", "");
    if (all[p] === "5" && /^0*$/.test(all.slice(p + 1)) && Number(all[p - 1]) % 2 === 0) {
      digits = all.slice(0, p);
      power = Number(exactPower);
    }
    return [digits, power];
  }

  // f"{x:.{p}g}": p significant digits, trailing zeros dropped, an exponent below 1e-4 or
  // from 10^p on.
  function general(x, p) {
    const sign = x < 0 ? "-" : "";
    const [digits, exponent] = rounded(x, p);
    const trimmed = digits.replace(/0+$/, "") || "0";
    if (exponent >= -4 && exponent < p) return sign + fixed(trimmed, exponent, false);
    return sign + scientific(trimmed, exponent);
  }

  // views/text.py format_number: whole numbers without a point, else `digits` significant.
  function formatNumber(x, digits) {
    if (Number.isNaN(x)) return "nan";
    if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
    if (x === Math.trunc(x) && Math.abs(x) < 1e15) return String(Math.trunc(x)).replace(/^-0$/, "0");
    return general(x, digits);
  }

  // views/text.py operand: a negative number in parentheses, a value not recorded `?`.
  function operandText(x, digits) {
    if (x === undefined) return "?";
    const text = formatNumber(x, digits);
    return text.startsWith("-") ? "(" + text + ")" : text;
  }

  // ---- Columns: base64 of little-endian float64s, missing values listed apart ----------

  function bytesOf(text) {
    const binary = atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let k = 0; k < binary.length; k++) bytes[k] = binary.charCodeAt(k);
    return bytes;
  }

  const decoded = new Map();
  function column(encoded) {
    if (encoded === undefined || encoded === null) return null;
    let found = decoded.get(encoded);
    if (!found) {
      const [numbers, missing] = Array.isArray(encoded) ? encoded : [encoded, null];
      const bytes = bytesOf(numbers);
      const view = new DataView(bytes.buffer);
      const values = new Float64Array(bytes.length / 8);
      for (let k = 0; k < values.length; k++) values[k] = view.getFloat64(8 * k, true);
      found = { values, missing: missing === null ? null : bytesOf(missing) };
      decoded.set(encoded, found);
    }
    return found;
  }

  function has(bits, k) {
    return bits !== null && bits !== undefined && (bits[k >> 3] & (1 << (k & 7))) !== 0;
  }

  // The value at step position k, or undefined where it was not recorded.
  function at(encoded, k) {
    const c = column(encoded);
    if (c === null || k >= c.values.length || has(c.missing, k)) return undefined;
    return c.values[k];
  }

  const differing = {
    values: Object.fromEntries(Object.entries(DATA.differing.values).map(([n, b]) => [n, bytesOf(b)])),
    samples: DATA.differing.samples.map((slot) =>
      Object.fromEntries(Object.entries(slot).map(([n, b]) => [n, bytesOf(b)]))),
  };

  // ---- State ----------------------------------------------------------------------------

  const steps = DATA.steps;
  const count = steps.iteration.length;
  const slider = document.getElementById("iteration");
  const sampleSelect = document.getElementById("sample");
  const digitsSelect = document.getElementById("digits");
  const state = { position: 0, slot: 0, digits: DATA.digits, focus: null };
  const diff = DATA.actual !== null;
  const SIDES = diff ? ["expected", "actual"] : ["expected"];

  function samplesAt(position) { return steps.samples[position] || 0; }

  // The value of `name` on one side: of the selected sample for a sample's value in a batch.
  function valueOf(side, name, scope, position, slot) {
    const data = DATA[side];
    if (scope === "sample" && samplesAt(position) > 0) {
      const own = data.samples[slot];
      return own ? at(own[name], position) : undefined;
    }
    return at(data.values[name], position);
  }

  function isDifferent(name, scope, position, slot) {
    if (scope === "sample" && samplesAt(position) > 0) {
      return has((differing.samples[slot] || {})[name], position);
    }
    return has(differing.values[name], position);
  }

  function vector(kind, slot, position) {
    const columns = (DATA[kind][slot] || []);
    return columns.map((c) => at(c, position));
  }

  // Where each operand's value comes from (core/program.py operand_sources).
  function operandValues(row, position, slot) {
    const found = [];
    const batch = samplesAt(position) > 0;
    for (const [kind, name, index] of row.operands) {
      if (kind === "samples") {
        for (let s = 0; s < samplesAt(position); s++) found.push(valueOf("expected", name, "sample", position, s));
      } else if (kind === "sample") {
        found.push(valueOf("expected", name, "sample", position, slot));
      } else if (kind === "step") {
        found.push(at(DATA.expected.values[name], position));
      } else if (kind === "before") {
        found.push(at(DATA.before[name], position));
      } else if (kind === "input" || kind === "target") {
        found.push(vector(kind === "input" ? "inputs" : "targets", batch ? slot : 0, position)[index - 1]);
      } else if (kind === "rate") {
        const rate = DATA.settings[name];
        found.push(rate === null ? undefined : rate);
      } else if (kind === "constant") {
        found.push(Number(name));
      } else {
        found.push(undefined);
      }
    }
    return found;
  }

  function formulaOf(row, position, slot) {
    const template = row.by_count ? row.by_count[String(samplesAt(position))] : row.template;
    if (!template) return "";
    // `{k}`: operand k as a formula writes it (a negative in parentheses); `{=k}`: the
    // formula takes its parentheses off (sigmoid(-0.1)), the number bare (views/explore.py).
    const values = operandValues(row, position, slot);
    return template.replace(/\{(=?)(\d+)\}/g, (_, bare, k) => {
      const text = operandText(values[Number(k)], state.digits);
      return bare ? text.replace(/^\((.*)\)$/, "$1") : text;
    });
  }

  // Python's `{label} = {formula} = {value}`, as the terminal's tables write a line.
  function lineOf(row, position, slot, value) {
    const formula = formulaOf(row, position, slot);
    return (row.label ? row.label + " = " : "") + (formula ? formula + " = " : "")
      + (value === undefined ? "—" : formatNumber(value, state.digits));
  }

  function setValue(element, value, digits) {
    if (value === undefined) {
      element.removeAttribute("data-value");
      element.textContent = "—";
      element.setAttribute("title", "not recorded");
    } else {
      element.dataset.value = repr(value);
      element.textContent = formatNumber(value, digits || state.digits);
      element.setAttribute("title", repr(value));   // every digit, on hovering
    }
  }

  function make(tag, attributes, text) {
    const element = document.createElement(tag);
    for (const [key, value] of Object.entries(attributes || {})) element.setAttribute(key, value);
    if (text !== undefined) element.textContent = text;
    return element;
  }

  // ---- Tables -------------------------------------------------------------------------

  const tables = document.getElementById("tables");
  const rowElements = [];
  const hasFigures = Object.keys(DATA.figures).length > 0;

  function buildTables() {
    // One width for the names' column in every table, as the terminal's tables line up.
    const widest = Math.max(10, ...DATA.rows.map((row) => row.name.length));
    tables.style.setProperty("--name-width", `${widest + 1}ch`);
    let table = null;
    let key = null;
    for (const row of DATA.rows) {
      if (row.scope + row.heading !== key) {
        key = row.scope + row.heading;
        table = make("table", { "data-scope": row.scope });
        const caption = make("caption");
        caption.dataset.heading = row.heading;
        table.append(caption);
        const head = make("tr");
        head.append(make("th", { scope: "col", class: "name" }, "trace name"),
          make("th", { scope: "col" }, diff ? "computed (expected)" : "computed"));
        if (diff) head.append(make("th", { scope: "col", class: "actual" }, "actual"), make("th", { scope: "col", class: "mark" }, "same?"));
        if (hasFigures) head.append(make("th", { scope: "col", class: "figure-column" }, DATA.figure_title));
        table.append(make("thead"), make("tbody"));
        table.tHead.append(head);
        tables.append(table);
      }
      const tr = make("tr", { "data-row": row.name, "data-scope": row.scope });
      const computed = make("td", { class: "computed" });
      const value = make("span", { class: "value", "data-name": row.name });
      if (diff) value.dataset.side = "expected";
      computed.append(make("span", { class: "formula" }), value);
      tr.append(make("th", { scope: "row", class: "name" }, row.name), computed);
      const cells = { tr, row, formula: computed.firstChild, value };
      if (diff) {
        cells.actual = make("span", { class: "value", "data-name": row.name, "data-side": "actual" });
        const actualCell = make("td", { class: "actual", "data-label": "actual" });
        actualCell.append(cells.actual);
        cells.mark = make("td", { class: "mark" });
        tr.append(actualCell, cells.mark);
      }
      if (hasFigures) {
        cells.figure = make("td", { class: "figure-column", "data-label": DATA.figure_title });
        tr.append(cells.figure);
      }
      table.tBodies[0].append(tr);
      rowElements.push(cells);
    }
  }

  function numbersText(values) {
    return values.filter((v) => v !== undefined).map((v) => formatNumber(v, 7)).join(" ");
  }

  function sampleHeading(position, slot) {
    return `Sample ${slot + 1} (${numbersText(vector("inputs", slot, position))} → `
      + `${numbersText(vector("targets", slot, position))}): `;
  }

  function renderTables() {
    const { position, slot } = state;
    const batch = samplesAt(position) > 0;
    for (const caption of tables.querySelectorAll("caption")) {
      const scope = caption.parentElement.dataset.scope;
      const prefix = !batch ? "" : scope === "sample" ? sampleHeading(position, slot) : "Update: ";
      caption.textContent = prefix + caption.dataset.heading;
    }
    const figures = DATA.figures[String(position)] || null;
    const first = DATA.first;
    for (const cells of rowElements) {
      const { row } = cells;
      const value = valueOf("expected", row.name, row.scope, position, slot);
      const formula = formulaOf(row, position, slot);
      cells.formula.textContent = (row.label ? row.label + " = " : "") + (formula ? formula + " = " : "");
      setValue(cells.value, value, besideDigits(figures, row.name));
      cells.tr.hidden = value === undefined && (!diff || valueOf("actual", row.name, row.scope, position, slot) === undefined);
      if (diff) renderComparison(cells, position, slot);
      if (cells.figure) renderFigure(cells, figures);
      const isFirst = first !== null && first.position === position && first.name === row.name
        && (first.sample === null ? row.scope === "batch" || !batch : row.scope === "sample" && first.sample === slot + 1);
      cells.tr.classList.toggle("first", isFirst);
      if (isFirst) cells.mark.textContent = "≠ first";
    }
    renderFigureNotes(figures ? DATA.figure_notes[String(position)] : []);
  }

  function renderComparison(cells, position, slot) {
    const { row } = cells;
    const actual = valueOf("actual", row.name, row.scope, position, slot);
    setValue(cells.actual, actual);
    const expected = valueOf("expected", row.name, row.scope, position, slot);
    let mark = "✓ same";
    let kind = "same";
    if (actual === undefined || expected === undefined) {
      mark = "– absent";
      kind = "unchecked";
    } else if (isDifferent(row.name, row.scope, position, slot)) {
      mark = "≠ differs";
      kind = "differs";
    }
    cells.mark.textContent = mark;
    cells.mark.dataset.mark = kind;
  }

  // As the terminal's step (views/step.py beside): a value beside a figure printed with
  // more significant digits than the page shows gets two more than the figure has.
  function besideDigits(figures, name) {
    const figure = figures ? figures[name] : undefined;
    const mantissa = figure ? (figure[0].match(/\d*\.?\d+/) || ["0"])[0] : "0";
    const count = Math.max(1, mantissa.replace(".", "").replace(/^0+/, "").length);
    return count > state.digits ? Math.min(17, count + 2) : state.digits;
  }

  function renderFigure(cells, figures) {
    const figure = figures ? figures[cells.row.name] : undefined;
    cells.figure.textContent = "";
    if (!figure) return;
    const [printed, verdict] = figure;
    cells.figure.append(document.createTextNode(printed + " "));
    const mark = make("span", { class: "verdict", "data-verdict": verdict.startsWith("✓") ? "agrees" : "differs" }, verdict);
    mark.title = verdict.startsWith("✓") ? "the value, rounded or truncated to the printed digits, equals it" : "differs: see the note below";
    cells.figure.append(mark);
  }

  function renderFigureNotes(notes) {
    const where = document.getElementById("figure-notes");
    where.textContent = "";
    (notes || []).forEach((note, k) => where.append(make("p", { class: "note" }, `≠${k + 1}  ${note}`)));
    const shown = DATA.figures[String(state.position)] !== undefined;
    for (const column of document.querySelectorAll(".figure-column")) column.hidden = !shown;
  }

  // ---- The picture --------------------------------------------------------------------

  const picture = document.getElementById("network");
  let largest = 0;
  function weightNames() {
    const names = [];
    const layers = DATA.layers || [];
    for (let l = 1; l < layers.length; l++) {
      for (let j = 1; j <= layers[l]; j++) {
        for (let i = 1; i <= layers[l - 1]; i++) names.push(`L${l}.n${j}.w${i}`);
      }
    }
    return names;
  }

  function measureWeights() {
    if (!picture) {
      document.querySelector(".legend").hidden = true;
      return;
    }
    for (const name of weightNames()) {
      for (const source of [DATA.expected.values[name], DATA.before[name]]) {
        const c = column(source);
        if (!c) continue;
        for (const v of c.values) if (Number.isFinite(v)) largest = Math.max(largest, Math.abs(v));
      }
    }
    document.querySelector(".legend span:last-child").textContent =
      `thickness: the weight's size (the largest, ${formatNumber(largest, 3)}, is thickest)`;
  }

  function renderPicture() {
    if (!picture) return;
    const { position, slot } = state;
    for (const g of picture.querySelectorAll("g.weight")) {
      const value = valueOf("expected", g.dataset.name, "batch", position, slot);
      const wire = g.querySelector(".wire");
      if (value === undefined || !Number.isFinite(value)) {
        g.removeAttribute("data-value");
        wire.setAttribute("class", "wire unknown");
        continue;
      }
      g.dataset.value = repr(value);
      wire.setAttribute("class", "wire " + (value < 0 ? "negative" : "positive"));
      wire.style.strokeWidth = String(0.8 + 7.2 * (largest > 0 ? Math.abs(value) / largest : 0));
    }
    const digits = Math.min(state.digits, 5);   // the picture's labels stay short; hover for more
    for (const text of picture.querySelectorAll("text[data-name]")) {
      const scope = text.dataset.name.endsWith(".b") ? "batch" : "sample";
      const value = valueOf("expected", text.dataset.name, scope, position, slot);
      setValue(text, value, digits);
      text.textContent = (scope === "batch" ? "b " : "out ") + text.textContent;
    }
    const inputs = vector("inputs", samplesAt(position) > 0 ? slot : 0, position);
    for (const text of picture.querySelectorAll("text[data-input]")) {
      const value = inputs[Number(text.dataset.input) - 1];
      text.textContent = value === undefined ? "" : "x " + formatNumber(value, digits);
    }
    for (const g of picture.querySelectorAll("g.neuron")) {
      g.classList.toggle("focused", state.focus === g);
    }
    for (const g of picture.querySelectorAll("g.weight")) g.classList.toggle("focused", state.focus === g);
  }

  // ---- Details of the focused neuron or weight -----------------------------------------

  function detailRow(list, label, name, scope, before) {
    const { position, slot } = state;
    const tr = make("tr");
    tr.append(make("th", { scope: "row" }, label));
    let any = false;
    for (const side of SIDES) {
      const cell = make("td");
      if (before && side === "expected") {
        const old = at(DATA.before[name], position);
        const span = make("span", { class: "value before", "data-before": name });
        setValue(span, old);
        cell.append(span, document.createTextNode(" → "));
      }
      const value = valueOf(side, name, scope, position, slot);
      any = any || value !== undefined;
      const span = make("span", { class: "value", "data-name": name });
      if (diff) span.dataset.side = side;
      // In a batch a gradient is both the update's mean and each sample's own: say which.
      if (samplesAt(position) > 0) span.dataset.scope = scope === "sample" ? "sample" : "batch";
      setValue(span, value);
      cell.append(span);
      tr.append(cell);
    }
    if (any) list.append(tr);
  }

  function renderDetails() {
    const box = document.getElementById("details");
    const focus = state.focus;
    if (!focus) return;
    box.textContent = "";
    const table = make("table");
    if (diff) {
      const head = make("tr");
      head.append(make("th"), make("th", { scope: "col" }, "expected"), make("th", { scope: "col" }, "actual"));
      table.append(head);
    }
    if (focus.classList.contains("weight")) {
      const name = focus.dataset.name;
      const [, l, j, i] = name.match(/^L(\d+)\.n(\d+)\.w(\d+)$/);
      box.append(make("h3", {}, `${name}: weight from L${l - 1}.n${i} into L${l}.n${j}`));
      detailRow(table, "old → new", name, "batch", true);
      detailRow(table, "gradient ∂E/∂w", name + ".grad", samplesAt(state.position) > 0 ? "batch" : "sample");
      if (samplesAt(state.position) > 0) detailRow(table, `this sample's ∂E/∂w`, name + ".grad", "sample");
      detailRow(table, "velocity", name + ".velocity", "batch");
      box.append(table);
      const scope = samplesAt(state.position) > 0 ? "batch" : "sample";
      const row = DATA.rows.find((r) => r.name === name && r.scope === scope);
      if (row) box.append(make("p", { class: "formula-line" }, "update: " + lineOf(row, state.position, state.slot,
        valueOf("expected", name, row.scope, state.position, state.slot))));
    } else {
      const name = focus.dataset.neuron;
      const layer = Number(name.slice(1, name.indexOf(".")));
      box.append(make("h3", {}, layer === 0 ? `${name}: input` : `${name}: neuron`));
      if (layer === 0) {
        const slot = samplesAt(state.position) > 0 ? state.slot : 0;
        const value = vector("inputs", slot, state.position)[Number(name.split(".n")[1]) - 1];
        box.append(make("p", {}, "input x = " + (value === undefined ? "—" : formatNumber(value, state.digits))));
      }
      for (const [kind, label] of [["net", "net"], ["out", "out"], ["error", "error −∂E/∂out"], ["deriv", "derivative"], ["delta", "delta −∂E/∂net"]]) {
        detailRow(table, label, `${name}.${kind}`, "sample");
      }
      if (DATA.biases && layer > 0) {
        detailRow(table, "bias old → new", `${name}.b`, "batch", true);
        detailRow(table, "bias ∂E/∂b", `${name}.b.grad`, samplesAt(state.position) > 0 ? "batch" : "sample");
      }
      box.append(table);
    }
  }

  function focusOn(element) {
    state.focus = element;
    renderDetails();
    renderPicture();
  }

  // ---- The loss curve -----------------------------------------------------------------

  const curve = { svg: null, marker: null, dot: null, label: null, x: null, y: null, byEpoch: false };

  function curveSeries(side) {
    const losses = column(DATA[side].epoch_losses);
    if (losses && losses.values.length > 0) {
      return { byEpoch: true, xs: Array.from(losses.values, (_, k) => k + 1), ys: Array.from(losses.values) };
    }
    const xs = [];
    const ys = [];
    for (let k = 0; k < count; k++) {
      const loss = at(DATA[side].values.loss, k);
      if (loss !== undefined) { xs.push(steps.iteration[k]); ys.push(loss); }
    }
    return { byEpoch: false, xs, ys };
  }

  function svgElement(tag, attributes, text) {
    const element = document.createElementNS(SVG, tag);
    for (const [key, value] of Object.entries(attributes || {})) element.setAttribute(key, value);
    if (text !== undefined) element.textContent = text;
    return element;
  }

  function buildCurve() {
    const where = document.getElementById("curve");
    const series = SIDES.map(curveSeries);
    const main = series[0];
    curve.byEpoch = main.byEpoch;
    const finite = series.flatMap((s) => s.ys).filter((v) => Number.isFinite(v));
    if (main.xs.length < 2 || finite.length < 2) {
      where.append(make("p", { class: "hint" }, main.xs.length ? "One step: no curve to draw." : "No loss recorded."));
      return;
    }
    const width = 440, height = 220, left = 58, right = 22, top = 10, bottom = 44;
    let low = Math.min(...finite), high = Math.max(...finite);
    const log = low > 0 && high / low > 30;
    const scale = (v) => (log ? Math.log10(v) : v);
    const [lo, hi] = [scale(low), scale(high) === scale(low) ? scale(low) + 1 : scale(high)];
    const x0 = main.xs[0], x1 = main.xs[main.xs.length - 1];
    curve.x = (x) => left + (width - left - right) * (x - x0) / (x1 - x0 || 1);
    curve.y = (v) => top + (height - top - bottom) * (1 - (scale(v) - lo) / (hi - lo));
    curve.fromX = (px) => x0 + (px - left) / (width - left - right) * (x1 - x0);
    const svg = svgElement("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", class: "loss" });
    svg.append(svgElement("title", {}, "Loss curve: click to go to that point of the run"));
    svg.append(svgElement("rect", { x: left, y: top, width: width - left - right, height: height - top - bottom, class: "plot" }));
    for (const v of ticks(low, high, log)) {
      const y = curve.y(v);
      svg.append(svgElement("line", { x1: left, x2: width - right, y1: y, y2: y, class: "grid" }));
      svg.append(svgElement("text", { x: left - 6, y: y + 4, class: "tick y" }, formatNumber(v, 3)));
    }
    for (const x of ticks(x0, x1, false)) {
      const at = curve.x(x);
      svg.append(svgElement("line", { x1: at, x2: at, y1: height - bottom, y2: height - bottom + 4, class: "grid" }));
      svg.append(svgElement("text", { x: at, y: height - bottom + 18, class: "tick x" }, formatNumber(x, 7)));
    }
    svg.append(svgElement("text", { x: (left + width - right) / 2, y: height - 4, class: "axis" },
      (main.byEpoch ? "epoch" : "iteration") + (log ? " · loss on a log scale" : "")));
    series.forEach((s, k) => svg.append(svgElement("path", { d: pathOf(s), class: "line " + SIDES[k] })));
    if (DATA.first) {
      const x = curve.x(main.byEpoch ? steps.epoch[DATA.first.position] : DATA.first.iteration);
      svg.append(svgElement("line", { x1: x, x2: x, y1: top, y2: height - bottom, class: "first-line" }));
    }
    svg.append(svgElement("rect", { x: left, y: top, width: width - left - right, height: height - top - bottom, class: "frame" }));
    curve.marker = svgElement("line", { y1: top, y2: height - bottom, class: "marker", visibility: "hidden" });
    curve.dot = svgElement("circle", { r: 4.5, class: "dot", visibility: "hidden" });
    svg.append(curve.marker, curve.dot);
    svg.addEventListener("click", (event) => jumpTo(curvePoint(svg, event)));
    where.append(svg);
    curve.label = make("p", { class: "curve-label" });
    where.append(curve.label);
    curve.svg = svg;
    document.getElementById("curve-hint").textContent = (main.byEpoch ? "The loss of each epoch (the mean over its samples)"
      : "Each step's loss") + (diff ? "; solid: expected, dashed: actual" : "") + ". Click the curve to go there.";
  }

  // A few round values between low and high: powers of ten on a log scale, else steps of
  // 1, 2 or 5 times a power of ten.
  function ticks(low, high, log) {
    if (log) {
      const found = [];
      for (let k = Math.ceil(Math.log10(low)); k <= Math.floor(Math.log10(high)); k++) found.push(Number(`1e${k}`));
      return found.length >= 2 ? found : [low, high];
    }
    const span = high - low || 1;
    const unit = Math.pow(10, Math.floor(Math.log10(span / 4)));
    const step = [1, 2, 5, 10].map((m) => m * unit).find((s) => span / s <= 5);
    const found = [];
    for (let v = Math.ceil(low / step) * step; v <= high + step * 1e-9; v += step) found.push(Number(v.toPrecision(12)));
    return found;
  }

  function pathOf(series) {
    let d = "";
    let pen = "M";
    for (let k = 0; k < series.xs.length; k++) {
      const v = series.ys[k];
      const y = curve.y(v);
      if (!Number.isFinite(y)) { pen = "M"; continue; }   // not finite, or not above 0 on a log scale
      d += `${pen}${curve.x(series.xs[k]).toFixed(1)},${y.toFixed(1)}`;
      pen = "L";
    }
    return d;
  }

  function curvePoint(svg, event) {
    const point = new DOMPoint(event.clientX, event.clientY).matrixTransform(svg.getScreenCTM().inverse());
    return curve.fromX(point.x);
  }

  // The held step nearest to an epoch (or an iteration, for a curve of steps' losses).
  function jumpTo(x) {
    const keys = curve.byEpoch ? steps.epoch : steps.iteration;
    let best = 0;
    for (let k = 0; k < count; k++) {
      if (keys[k] === null) continue;
      if (Math.abs(keys[k] - x) < Math.abs((keys[best] ?? Infinity) - x)) best = k;
    }
    show(best);
  }

  function renderCurve() {
    if (!curve.svg || count === 0) return;
    const position = state.position;
    const losses = column(DATA.expected.epoch_losses);
    let x;
    let y;
    curve.label.textContent = "";
    if (curve.byEpoch) {
      const epoch = steps.epoch[position];
      if (epoch === null || epoch > losses.values.length) { curve.marker.setAttribute("visibility", "hidden"); curve.dot.setAttribute("visibility", "hidden"); return; }
      x = epoch;
      y = losses.values[epoch - 1];
      const value = make("span", { class: "value", "data-name": "epoch_loss", "data-epoch": String(epoch) });
      if (diff) value.dataset.side = "expected";
      setValue(value, y);
      curve.label.append(document.createTextNode(`epoch ${epoch}: loss `), value);
    } else {
      x = steps.iteration[position];
      y = at(DATA.expected.values.loss, position);
      if (y === undefined) return;
    }
    curve.marker.setAttribute("visibility", "visible");
    curve.marker.setAttribute("x1", curve.x(x));
    curve.marker.setAttribute("x2", curve.x(x));
    const dotted = Number.isFinite(y) && Number.isFinite(curve.y(y));
    curve.dot.setAttribute("visibility", dotted ? "visible" : "hidden");
    if (dotted) { curve.dot.setAttribute("cx", curve.x(x)); curve.dot.setAttribute("cy", curve.y(y)); }
  }

  // ---- Controls -----------------------------------------------------------------------

  function renderStatus() {
    const { position } = state;
    const epoch = steps.epoch[position];
    document.getElementById("status").textContent = `Iteration ${steps.iteration[position]}`
      + (epoch === null ? "" : ` · epoch ${epoch}`) + ` · step ${position + 1} of ${count}`;
    slider.setAttribute("aria-valuetext", `iteration ${steps.iteration[position]}`
      + (epoch === null ? "" : `, epoch ${epoch}`));
    const n = samplesAt(position);
    const choice = document.getElementById("sample-choice");
    choice.hidden = n === 0;
    if (n > 0 && sampleSelect.options.length !== n) {
      sampleSelect.textContent = "";
      for (let k = 0; k < n; k++) sampleSelect.append(make("option", { value: String(k) }, `${k + 1} of ${n}`));
    }
    if (n > 0) sampleSelect.value = String(state.slot);
    const slot = n > 0 ? state.slot : 0;
    const inputs = numbersText(vector("inputs", slot, position));
    const targets = numbersText(vector("targets", slot, position));
    document.getElementById("sample-line").textContent = inputs === "" && targets === "" ? ""
      : (n > 0 ? `Sample ${slot + 1} of the batch of ${n}: ` : "") + `input ${inputs} → target ${targets}`;
  }

  function render() {
    if (count === 0) {
      document.getElementById("status").textContent = "The trace holds no step.";
      for (const control of document.querySelectorAll(".controls button, .controls input")) control.disabled = true;
      return;
    }
    renderStatus();
    renderPicture();
    renderTables();
    renderDetails();
    renderCurve();
  }

  function show(position) {
    state.position = Math.max(0, Math.min(count - 1, position));
    state.slot = Math.min(state.slot, Math.max(0, samplesAt(state.position) - 1));
    slider.value = String(state.position);
    render();
  }

  function wire() {
    slider.max = String(Math.max(0, count - 1));
    slider.addEventListener("input", () => show(Number(slider.value)));
    document.querySelector('[data-action="previous"]').addEventListener("click", () => show(state.position - 1));
    document.querySelector('[data-action="next"]').addEventListener("click", () => show(state.position + 1));
    sampleSelect.addEventListener("change", () => { state.slot = Number(sampleSelect.value); render(); });
    digitsSelect.value = String(state.digits);
    if (digitsSelect.value !== String(state.digits)) {
      digitsSelect.append(make("option", {}, String(state.digits)));
      digitsSelect.value = String(state.digits);
    }
    digitsSelect.addEventListener("change", () => { state.digits = Number(digitsSelect.value); render(); });
    document.addEventListener("keydown", (event) => {
      const target = event.target;
      if (target === slider || target instanceof HTMLSelectElement || event.altKey || event.ctrlKey || event.metaKey) return;
      const moves = { ArrowRight: 1, ArrowLeft: -1, PageDown: 10, PageUp: -10 };
      if (event.key in moves) { show(state.position + moves[event.key]); event.preventDefault(); }
      if (event.key === "Home") { show(0); event.preventDefault(); }
      if (event.key === "End") { show(count - 1); event.preventDefault(); }
    });
    if (picture) {
      // In a diff every value shown says whose it is: the picture draws EXPECTED's.
      if (diff) for (const element of picture.querySelectorAll("[data-name]")) element.dataset.side = "expected";
      for (const g of picture.querySelectorAll("g.weight, g.neuron")) {
        g.addEventListener("mouseenter", () => focusOn(g));
        g.addEventListener("focus", () => focusOn(g));
        g.addEventListener("click", () => focusOn(g));
      }
    }
    if (DATA.first) {
      const first = DATA.first;
      const box = document.getElementById("divergence");
      box.hidden = false;
      box.append(document.createTextNode(`First difference: iteration ${first.iteration}, `
        + (first.sample === null ? "" : `sample ${first.sample}: `) + `${first.name}: expected `
        + `${first.expected}, actual ${first.actual}. `));
      const go = make("button", { type: "button", "data-action": "first-divergence" }, "Go to it");
      go.addEventListener("click", () => { state.slot = first.sample === null ? state.slot : first.sample - 1; show(first.position); });
      box.append(go);
    } else if (diff) {
      const box = document.getElementById("divergence");
      box.hidden = false;
      box.textContent = DATA.agreement;
    }
  }

  buildTables();
  measureWeights();
  buildCurve();
  wire();
  show(0);
  // For tests and benchmarks: the page is ready once the first step is drawn.
  window.nntraceExplore = { repr, formatNumber, operandText, show, state };
  document.documentElement.dataset.ready = "true";
  performance.mark("nntrace-ready");
})();
