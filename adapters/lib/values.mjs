// Mapping JavaScript values to the shapes of the conform adapter protocol
// (harness/PROTOCOL.md §3 and §5): the {name, message} of a thrown value and the text of a
// console argument.
//
// Plain ESM with no imports at all, so that code running inside a vat — a Deno or browser
// worker, where Node's modules do not exist — formats values exactly as protocol.mjs does.

/** The protocol's {name, message} of a thrown value. Never throws. */
export function errorShape(e) {
  try {
    if (e !== null && (typeof e === 'object' || typeof e === 'function')) {
      const name = e.name;
      if (name !== undefined) {
        const message = e.message;
        return { name: String(name), message: message === undefined ? '' : String(message) };
      }
    }
    return { name: 'Error', message: String(e) };
  } catch {
    return { name: 'Error', message: '[a thrown value that cannot be converted to a string]' };
  }
}

/**
 * The text of one console argument: strings verbatim, plain objects and arrays as JSON
 * when they serialise (with stringify, the vat's or the host's JSON.stringify), anything
 * else as String(v). fallback(v) is tried when that throws (protocol.mjs passes Node's
 * util.inspect); without it, or when it throws too, the text is "[unprintable]".
 */
export function formatArg(v, stringify, fallback) {
  try {
    if (typeof v === 'string') return v;
    if (v !== null && typeof v === 'object') {
      const tag = Object.prototype.toString.call(v);
      if (tag === '[object Object]' || tag === '[object Array]') {
        const s = stringify(v);
        if (typeof s === 'string') return s;
      }
    }
    return String(v);
  } catch {
    try {
      if (fallback) return String(fallback(v));
    } catch {
      // fall through
    }
    return '[unprintable]';
  }
}

/** One log message from a console call's arguments, joined by a space. */
export function formatConsoleArgs(args, stringify, fallback) {
  return args.map((a) => formatArg(a, stringify, fallback)).join(' ');
}
