/**
 * The calibration as an SVG a risk officer can open in a browser: per symbol its daily volatility
 * (sample and EWMA) and its haircut and uplift, and the reference portfolio's move under each stress
 * scenario. Plain SVG 1.1, no script, no external fonts.
 */
import type { Calibration } from "./calibrate.ts";

const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const pct = (x: number, digits = 2): string => `${(x * 100).toFixed(digits)}%`;

const COLORS = { sample: "#4472c4", ewma: "#9dc3e6", haircut: "#c00000", uplift: "#ed7d31", loss: "#c00000", gain: "#548235", axis: "#444", grid: "#ddd" };

interface Bar { label: string; value: number; color: string; text: string }

/** A vertical grouped bar panel at (x, y) of the given size; groups share the value axis. */
function barPanel(x: number, y: number, w: number, h: number, title: string, groups: Array<{ label: string; bars: Bar[] }>, legend: Array<{ label: string; color: string }>): string {
  const out: string[] = [`<text x="${x}" y="${y - 28}" font-size="14" font-weight="bold">${esc(title)}</text>`];
  legend.forEach((l, i) => out.push(`<rect x="${x + i * 150}" y="${y - 20}" width="10" height="10" fill="${l.color}"/><text x="${x + 14 + i * 150}" y="${y - 11}" font-size="11">${esc(l.label)}</text>`));
  const max = Math.max(1e-12, ...groups.flatMap((g) => g.bars.map((b) => b.value)));
  out.push(`<line x1="${x}" y1="${y + h}" x2="${x + w}" y2="${y + h}" stroke="${COLORS.axis}"/>`);
  const gw = w / Math.max(1, groups.length);
  groups.forEach((g, gi) => {
    const bw = Math.min(36, (gw * 0.8) / g.bars.length);
    const gx = x + gi * gw + (gw - bw * g.bars.length) / 2;
    g.bars.forEach((b, bi) => {
      const bh = (b.value / max) * (h - 16);
      const bx = gx + bi * bw;
      out.push(`<rect x="${bx.toFixed(1)}" y="${(y + h - bh).toFixed(1)}" width="${(bw - 2).toFixed(1)}" height="${bh.toFixed(1)}" fill="${b.color}"><title>${esc(`${g.label} ${b.label}: ${b.text}`)}</title></rect>`);
      out.push(`<text x="${(bx + bw / 2 - 1).toFixed(1)}" y="${(y + h - bh - 3).toFixed(1)}" font-size="9" text-anchor="middle">${esc(b.text)}</text>`);
    });
    out.push(`<text x="${(x + gi * gw + gw / 2).toFixed(1)}" y="${y + h + 14}" font-size="11" text-anchor="middle">${esc(g.label)}</text>`);
  });
  return out.join("\n");
}

/** Horizontal bars around a zero line: the reference portfolio's move per scenario. */
function scenarioPanel(x: number, y: number, w: number, c: Calibration): { svg: string; height: number } {
  const row = 20;
  const labelW = 290;
  const out: string[] = [
    `<text x="${x}" y="${y - 28}" font-size="14" font-weight="bold">Reference portfolio under each stress scenario</text>`,
    `<text x="${x}" y="${y - 12}" font-size="11" fill="#555">equal value long in every symbol; red: loss, green: gain; multipliers per symbol in the tooltip</text>`,
  ];
  const max = Math.max(1e-9, ...c.scenarios.map((s) => Math.abs(s.referenceMove)));
  const half = (w - labelW) / 2;
  const zero = x + labelW + half;
  out.push(`<line x1="${zero}" y1="${y}" x2="${zero}" y2="${y + row * c.scenarios.length}" stroke="${COLORS.axis}"/>`);
  c.scenarios.forEach((s, i) => {
    const len = (Math.abs(s.referenceMove) / max) * (half - 50);
    const by = y + i * row + 3;
    const bx = s.referenceMove < 0 ? zero - len : zero;
    const tip = Object.entries(s.multipliersBps).map(([k, v]) => `${k} ${v} bps`).join(", ");
    out.push(`<text x="${x + labelW - 8}" y="${by + 11}" font-size="11" text-anchor="end">${esc(s.name)}</text>`);
    out.push(`<rect x="${bx.toFixed(1)}" y="${by}" width="${Math.max(0.5, len).toFixed(1)}" height="${row - 6}" fill="${s.referenceMove < 0 ? COLORS.loss : COLORS.gain}"><title>${esc(`${s.name}: ${tip}`)}</title></rect>`);
    const tx = s.referenceMove < 0 ? zero - len - 4 : zero + len + 4;
    out.push(`<text x="${tx.toFixed(1)}" y="${by + 11}" font-size="10" text-anchor="${s.referenceMove < 0 ? "end" : "start"}">${esc(pct(s.referenceMove, 1))}</text>`);
  });
  return { svg: out.join("\n"), height: row * c.scenarios.length };
}

export function calibrationChart(c: Calibration): string {
  const W = 960;
  const top = 80;
  const panelH = 200;
  const vol = barPanel(40, top + 40, W / 2 - 70, panelH, "Daily volatility of log returns", c.assets.map((a) => ({
    label: a.symbol,
    bars: [
      { label: "sample σ", value: a.volatility, color: COLORS.sample, text: pct(a.volatility) },
      { label: "EWMA σ", value: a.ewmaVolatility, color: COLORS.ewma, text: pct(a.ewmaVolatility) },
    ],
  })), [{ label: "sample σ", color: COLORS.sample }, { label: "EWMA σ (λ = 0.94)", color: COLORS.ewma }]);
  const cuts = barPanel(W / 2 + 30, top + 40, W / 2 - 70, panelH, "Haircut and uplift (bps, rounded up)", c.assets.map((a) => ({
    label: a.symbol,
    bars: [
      { label: "haircut", value: a.haircutBps, color: COLORS.haircut, text: String(a.haircutBps) },
      { label: "uplift", value: a.upliftBps, color: COLORS.uplift, text: String(a.upliftBps) },
    ],
  })), [{ label: "haircut (collateral)", color: COLORS.haircut }, { label: "uplift (debt, shorts)", color: COLORS.uplift }]);
  const sy = top + 40 + panelH + 90;
  const sc = scenarioPanel(40, sy, W - 80, c);
  const H = sy + sc.height + 40;
  const o = c.options;
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="40" y="32" font-size="18" font-weight="bold">Risk calibration: ${esc(c.file)}</text>`,
    `<text x="40" y="54" font-size="12" fill="#333">${esc(`${c.observations} daily closes, ${c.from} to ${c.to}; confidence ${o.confidence}, horizon ${o.horizonDays} day(s), step ${o.stepBps} bps; haircut = max(parametric, historical)`)}</text>`,
    vol, cuts, sc.svg,
    `</svg>`,
    "",
  ].join("\n");
}
