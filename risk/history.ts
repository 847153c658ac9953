/**
 * A price history file: CSV with a header `date,SYMBOL,SYMBOL,...` and one row of daily closing prices
 * per date, oldest first. Lines starting with `#` are comments (the synthetic example says what it is
 * there). Every value is checked exactly; the first problem becomes one InputError naming the line,
 * the date and the column. Prices become floats here because they only feed statistics.
 */
import { InputError, readText } from "../prover/files.ts";

export class HistoryError extends InputError {}

export interface PriceHistory {
  file: string;
  symbols: string[];
  dates: string[];
  /** prices[t][i]: the close of symbols[i] on dates[t], > 0 */
  prices: number[][];
}

const SYMBOL = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const PRICE = /^[0-9]+(?:\.[0-9]+)?$/;

function validDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

export interface HistoryOptions {
  /** fewest price rows accepted (the caller derives it from the horizon) */
  minRows?: number;
}

/** Parses the text of a history file; `file` names it in errors. */
export function parseHistory(text: string, file: string, opts: HistoryOptions = {}): PriceHistory {
  const lines = text.replace(/^\uFEFF/, "").split("\n").map((l) => l.replace(/\r$/, ""));
  let symbols: string[] | undefined;
  let headerLine = 0;
  const dates: string[] = [];
  const prices: number[][] = [];
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const cells = line.split(",").map((c) => c.trim());
    const at = `${file}:${lineNo}`;
    if (!symbols) {
      headerLine = lineNo;
      if (cells[0]!.toLowerCase() !== "date") throw new HistoryError(`the header starts with '${cells[0]}', not 'date'`, at, "begin the file with a header line: date,SYMBOL,SYMBOL,...");
      const syms = cells.slice(1);
      if (syms.length === 0) throw new HistoryError("the header names no asset", at, "add one column per asset: date,WETH,WBTC,...");
      const seen = new Set<string>();
      syms.forEach((s, i) => {
        if (!SYMBOL.test(s)) throw new HistoryError(`column ${i + 2} of the header, '${s}', is not a symbol`, at, "a symbol is 1 to 32 letters, digits, '.', '_' or '-', starting with a letter or digit");
        if (seen.has(s.toUpperCase())) throw new HistoryError(`symbol '${s}' names two columns`, at, "keep one column per asset");
        seen.add(s.toUpperCase());
      });
      symbols = syms;
      return;
    }
    const date = cells[0]!;
    if (!validDate(date)) throw new HistoryError(`'${date}' is not a date`, at, "write dates as YYYY-MM-DD");
    const where = `${at} (${date})`;
    const prev = dates[dates.length - 1];
    if (prev !== undefined && date <= prev) throw new HistoryError(`the date ${date} does not follow ${prev}`, where, "list one row per date, oldest first, without repeats");
    if (cells.length !== symbols.length + 1) {
      if (cells.length < symbols.length + 1) throw new HistoryError(`the row has ${cells.length - 1} prices for ${symbols.length} symbols: ${symbols.slice(cells.length - 1).join(", ")} missing`, where, "give a closing price for every symbol on every date");
      throw new HistoryError(`the row has ${cells.length - 1} prices for ${symbols.length} symbols`, where, "remove the extra values or name their column in the header");
    }
    const row = symbols.map((sym, i) => {
      const cell = cells[i + 1]!;
      if (cell === "") throw new HistoryError(`the price of ${sym} is missing`, where, "give a closing price for every symbol on every date (drop the date if a market was closed)");
      if (/^-[0-9]+(?:\.[0-9]+)?$/.test(cell)) throw new HistoryError(`the price of ${sym} is ${cell}, not positive`, where, "prices must be above zero: check the row");
      if (!PRICE.test(cell)) throw new HistoryError(`the price of ${sym}, '${cell}', is not a decimal number`, where, "write a plain positive decimal such as 3012.55");
      const v = Number(cell);
      if (!(v > 0) || !Number.isFinite(v)) throw new HistoryError(`the price of ${sym} is ${cell}, not positive`, where, "prices must be above zero: check the row");
      return v;
    });
    dates.push(date);
    prices.push(row);
  });
  if (!symbols) throw new HistoryError("the file has no header", file, "begin the file with a header line: date,SYMBOL,SYMBOL,...");
  const minRows = Math.max(2, opts.minRows ?? 2);
  if (prices.length < minRows) {
    throw new HistoryError(`too few rows: ${prices.length} dates after the header (line ${headerLine}), at least ${minRows} are needed`, file, "give a longer daily history (a year is typical) or a shorter --horizon-days");
  }
  return { file, symbols, dates, prices };
}

export const loadHistory = (file: string, opts: HistoryOptions = {}): PriceHistory => parseHistory(readText(file, "price history"), file, opts);

/** The CSV text of a history (six significant digits is more than daily closes carry). */
export function historyCsv(h: Omit<PriceHistory, "file">, comments: readonly string[] = []): string {
  const fmt = (v: number): string => {
    const s = v.toPrecision(8);
    return s.includes("e") ? v.toFixed(8) : s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s;
  };
  return [...comments.map((c) => `# ${c}`), ["date", ...h.symbols].join(","), ...h.dates.map((d, t) => [d, ...h.prices[t]!.map(fmt)].join(","))].join("\n") + "\n";
}
