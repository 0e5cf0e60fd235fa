/*
 * "Paste your error" box of the landing pages.
 *
 * It loads assets/explain.json (written at build time by generator/explain/index.py from the
 * guides' `match:` declarations; the same file `python -m generator explain` uses), normalises
 * the pasted text exactly as generator/normalise.py does, scores the entries exactly as
 * generator/explain.py does, and lists the best ones as links to their pages. No server, no
 * request to another host.
 *
 * The rules below carry the names of their Python twins (R1...R10, _STATUS_FORMS, _score...).
 * Change both together; tests/test_explain.py runs this file under Node on the shared corpus
 * (tests/fixtures/explain/corpus.yaml) and compares every result with Python's.
 *
 * Python's regexes use re.ASCII, so \w \d \b mean what they mean here; whitespace is written
 * out as [ \t\n\r\f\v] because JavaScript's \s also matches Unicode spaces.
 */
(function (root) {
  "use strict";

  var MAX_CHARS = 20000; // normalise.MAX_CHARS

  // R1 invisible characters; R2 other line separators.
  var INVISIBLE = /[\u200b\u200c\u200d\u2060\ufeff\u00ad]/g;
  var LINE_SEPARATORS = /[\u2028\u2029\u0085]/g;
  // R3 escapes (JSON, Python reprs, bytes reprs), undone up to three times.
  var ESCAPE = /\\(?:u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2})|([nrt"'/\\]))/g;
  var ESCAPE_ROUNDS = 3;
  // R4 HTML character references.
  var ENTITY = /&(?:#([0-9]{1,7})|#x([0-9a-fA-F]{1,6})|(amp|lt|gt|quot|apos|nbsp));/gi;
  var NAMED_ENTITIES = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };
  // R11 _FRAME_GLYPHS, _FRAME_LEAD, _FRAME_TAIL: terminal frames.
  var FRAME_GLYPHS =
    "\u2502\u2503\u254e\u2506\u250a\u23bf\u23fa\u25cf\u273b\u273d\u2736\u2733\u2722\u256d\u256e\u2570\u256f\u251c\u2524\u250c\u2510\u2514\u2518\u2500\u2501\u2550\u254c\u2590\u259b\u259c\u258c\u259d\u2598\u2588\u2718\u2715\u2717\u26a0\u26a1\u276f\u203a";
  // _PICTOGRAPHS: symbols, dingbats, U+FE0F, and U+1F000-U+1FBFF as surrogate pairs (no `u` flag).
  var PICTOGRAPHS = "\\u2600-\\u27bf\\u2b00-\\u2bff\\ufe0f";
  var FRAME_LEAD = new RegExp(
    "^[ \\t]*(?:(?:[" + FRAME_GLYPHS + PICTOGRAPHS + "]|[\\ud83c-\\ud83e][\\udc00-\\udfff])+[ \\t]*|>[ \\t]+)+",
    "gm"
  );
  var FRAME_TAIL = new RegExp("[ \\t]*[\\u2502\\u2503\\u256e\\u256f\\u256d\\u2570\\u2500\\u2501]+[ \\t]*$", "gm");
  var BOX_GLYPHS = /[\u2500-\u259f]+/g;

  // R5 _STATUS_FORMS, same order.
  var STATUS_FORMS = [
    /\berror code:? ?([1-5][0-9][0-9])\b/gim,
    /\bhttp\/[0-9.]+"? ([1-5][0-9][0-9])\b/gim,
    /(?:\b|http)status(?:[ _-]?code)?"?'? ?[:=]? ?"?'?([1-5][0-9][0-9])\b/gim,
    /\bcode"?'? ?[:=] ?"?'?([1-5][0-9][0-9])\b/gim,
    /\bapi error:? ?\(?([1-5][0-9][0-9])\b/gim,
    /\bapi error \([^)\n]{1,80}\):? ([1-5][0-9][0-9])\b/gim,
    /\(([1-5][0-9][0-9])\)/gim,
    /\bhttp(?: error| status)?:? ([1-5][0-9][0-9])\b/gim,
    new RegExp(
      "\\b([1-5][0-9][0-9]),? (?:unauthorized|forbidden|not found|too many requests|bad request|" +
        "payment required|internal server error|service unavailable|bad gateway|gateway time-?out|" +
        "request time-?out|conflict|unprocessable (?:entity|content)|overloaded|method not allowed|" +
        "(?:request entity|payload|content) too large|precondition failed)\\b",
      "gim"
    ),
    /^[ \t]*error:? ([1-5][0-9][0-9])\b/gim,
    /^[ \t]*([1-5][0-9][0-9]) [\[{]/gim,
  ];
  // R6 _IDENTIFIER, _CAMEL.
  var IDENTIFIER = /[A-Za-z0-9_$]+/g;
  var CAMEL = /^[A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*[A-Z]/;
  var MAX_TYPES = 200;

  // R7 _FRAME_HEAD, _FRAME_NOISE.
  var FRAME_HEAD = /^[ \t]*File "[^"\n]*", line [0-9]+(?:, in .*)?$/;
  var FRAME_NOISE = new RegExp(
    "^[ \\t]*(?:Traceback \\(most recent call last\\):?|During handling of the above exception, another " +
      "exception occurred:|The above exception was the direct cause of the following exception:|" +
      "\\[Previous line repeated [0-9]+ more times?\\]|[~^ ]*\\^[~^ ]*|" +
      "at (?:async )?[^ \\n]*(?: \\[as [^\\]\\n]*\\])? ?\\(?(?:[^()\\n]*:[0-9]+:[0-9]+|native|<anonymous>)\\)?(?: \\{)?)[ \\t]*$"
  );
  // R8 _HTML_BLOCK, _HTML_TAG.
  var HTML_BLOCK = /<!--[\s\S]*?-->|<(script|style)\b[^>]*>[\s\S]*?<\/\1[ \t\n\r\f\v]*>/gi;
  var HTML_TAG = /<\/?[A-Za-z!][^<>]{0,500}>/g;
  // R9 _WRAP_BOTO, _WRAP_BARE, _WRAP_CLASS, _WRAP_CODE.
  var WRAP_START = "(^|[ \\t:]|[^\\x00-\\x7f])";
  var WRAP_CLASS = new RegExp(
    WRAP_START + "(?:(?:[A-Za-z_][A-Za-z0-9_]*\\.)*[A-Z][A-Za-z0-9]*(?:Error|Exception|Warning):[ \\t]*)+",
    "gm"
  );
  var WRAP_BARE = /^([ \t]*)Error:[ \t]*/gm;
  var WRAP_CODE = new RegExp(WRAP_START + "error code: ?[0-9]{3}(?: ?- ?| |$)", "gim");
  var WRAP_BOTO = new RegExp(
    WRAP_START +
      "an error occurred \\([A-Za-z0-9_.]+\\) when calling the [A-Za-z0-9_]+ operation" +
      "(?: \\(reached max retries: [0-9]+\\))?: ?",
    "gim"
  );
  // R10 _IDS, _UUID, _DATETIME, _TIME, _HEX, _TOKEN, _NUMBER, _QUOTES, _SPACE.
  var IDS = /\b(?:req|msg|user|org|toolu|chatcmpl|gen|resp|run|sess|call|batch|file|key)[_-][a-z0-9]{6,}\b/g;
  var UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g;
  var DATETIME = new RegExp(
    "\\b[0-9]{4}[-/][0-9]{2}[-/][0-9]{2}(?:[t ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]+)?)?" +
      "(?:z|[+-][0-9]{2}:?[0-9]{2})?)?\\b",
    "g"
  );
  var TIME = /\b[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]+)?z?)?(?: ?[ap]\.?m\b\.?|\b)/g;
  var HEX = /\b[0-9a-f]{16,}\b/g;
  var TOKEN = /[a-z0-9_+=-]{40,}/g;
  var NUMBER = /[0-9]+(?:[.,][0-9]+)*/g;
  var QUOTES = /["'`\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u00ab\u00bb\u300c\u300d\u300e\u300f]/g;
  var SPACE = /[ \t\n\r\f\v]+/g;
  // R12 _LINE_BREAK, for `joined`.
  var LINE_BREAK = /\n[ \t]*/g;

  function decode(pasted) {
    var s = String(pasted);
    if (s.length > MAX_CHARS) {
      // Python counts code points: so do we.
      var points = Array.from(s);
      if (points.length > MAX_CHARS) {
        var half = Math.floor(MAX_CHARS / 2);
        s = points.slice(0, half).join("") + "\n" + points.slice(points.length - half).join("");
      }
    }
    s = s.normalize("NFKC");
    s = s.replace(INVISIBLE, "");
    s = s.replace(/\r\n/g, "\n").replace(/\r/g, "\n");
    s = s.replace(LINE_SEPARATORS, "\n");
    for (var round = 0; round < ESCAPE_ROUNDS; round++) {
      var undone = s.replace(ESCAPE, unescape);
      if (undone === s) break;
      s = undone;
    }
    s = s.replace(ENTITY, entity);
    return s.replace(FRAME_LEAD, "").replace(FRAME_TAIL, "").replace(BOX_GLYPHS, " ");
  }

  function unescape(_, u, x, c) {
    if (u) {
      var code = parseInt(u, 16);
      return code >= 0xd800 && code <= 0xdfff ? "" : String.fromCharCode(code);
    }
    if (x) {
      var byte = parseInt(x, 16);
      return byte < 0x80 ? String.fromCharCode(byte) : "";
    }
    return c === "n" ? "\n" : c === "r" ? "" : c === "t" ? " " : c;
  }

  function entity(_, dec, hex, name) {
    if (name) return NAMED_ENTITIES[name.toLowerCase()];
    var code = dec ? parseInt(dec, 10) : parseInt(hex, 16);
    return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : "";
  }

  function statuses(decoded) {
    var found = [];
    STATUS_FORMS.forEach(function (form) {
      form.lastIndex = 0;
      var m;
      while ((m = form.exec(decoded)) !== null) {
        // Python sorts by the position of group 1; the three digits are the match's last
        // occurrence of themselves in every form.
        found.push([m.index + m[0].lastIndexOf(m[1]), parseInt(m[1], 10)]);
      }
    });
    found.sort(function (a, b) {
      return a[0] - b[0] || a[1] - b[1];
    });
    var seen = [];
    found.forEach(function (f) {
      if (seen.indexOf(f[1]) === -1) seen.push(f[1]);
    });
    return seen;
  }

  function types(decoded) {
    var seen = [];
    var tokens = decoded.match(IDENTIFIER) || [];
    for (var k = 0; k < tokens.length; k++) {
      var t = tokens[k];
      if (!/^[A-Za-z]/.test(t)) continue;
      var trimmed = t.replace(/^[_$]+|[_$]+$/g, "");
      if ((t.indexOf("_") !== -1 || t.indexOf("$") !== -1 || CAMEL.test(t)) && trimmed === t) {
        var low = t.toLowerCase();
        if (seen.indexOf(low) === -1) seen.push(low);
        if (seen.length >= MAX_TYPES) break;
      }
    }
    return seen;
  }

  function stripWrappers(decoded) {
    var kept = [];
    var afterFrame = false;
    decoded.split("\n").forEach(function (line) {
      if (FRAME_HEAD.test(line)) {
        afterFrame = true;
        return;
      }
      if (afterFrame && (line.charAt(0) === " " || line.charAt(0) === "\t")) {
        afterFrame = false;
        return;
      }
      afterFrame = false;
      if (FRAME_NOISE.test(line)) return;
      kept.push(line);
    });
    var s = kept.join("\n");
    s = s.replace(HTML_BLOCK, " ");
    s = s.replace(HTML_TAG, " ");
    s = s.replace(WRAP_BOTO, "$1");
    s = s.replace(WRAP_BARE, "$1");
    s = s.replace(WRAP_CLASS, "$1");
    return s.replace(WRAP_CODE, "$1");
  }

  function canon(s) {
    s = s.toLowerCase();
    s = s.replace(IDS, function (m) {
      return /[0-9]/.test(m) ? "" : m;
    });
    s = s.replace(UUID, "");
    s = s.replace(DATETIME, "");
    s = s.replace(TIME, "");
    s = s.replace(TOKEN, function (m) {
      return /[0-9]/.test(m) && /[a-z]/.test(m) ? "" : m;
    });
    s = s.replace(HEX, "");
    s = s.replace(NUMBER, "0");
    s = s.replace(QUOTES, "");
    return s.replace(SPACE, " ").replace(/^ +| +$/g, "");
  }

  function normalise(pasted) {
    var decoded = decode(pasted);
    var stripped = stripWrappers(decoded);
    return {
      text: canon(stripped),
      full: canon(decoded),
      joined: canon(stripped.replace(LINE_BREAK, "")),
      raw: decoded.toLowerCase(),
      decoded: decoded,
      statuses: statuses(decoded),
      types: types(decoded),
    };
  }

  // --- matching: explain.py ---------------------------------------------------------------
  var PATTERN_HIT = 60;
  var WEIGHT_CAP = 40;
  var EXTRA_PATTERN = 2;
  var EXTRA_PATTERN_CAP = 4;
  var STATUS_MATCH = 12;
  var STATUS_CONFLICT = -20;
  var TYPE_MATCH = 12;
  var HINT = 3;
  var HINT_CAP = 6;
  var TOOL_MATCH = 4;
  var MAX_POINTS =
    PATTERN_HIT + WEIGHT_CAP / 2 + EXTRA_PATTERN_CAP + STATUS_MATCH + TYPE_MATCH + HINT_CAP + TOOL_MATCH;
  var SIMILAR_CAP = 50;

  // TOOLS, same order and markers (on the lowercased decoded text).
  var TOOLS = [
    { id: "openhands", provider: "openhands", marker: /status\$[a-z_]+|\bopenhands\b/ },
    {
      id: "claude-code",
      provider: "claude-code",
      marker: new RegExp(
        "\\bapi error(?: \\(|:)|please run /login|fix external api key|\\brun (?:/model|--model)\\b|" +
          "/extra-usage|@anthropic-ai/claude-code|claude-code/cli|\\bclaude code\\b|claude doctor"
      ),
    },
    {
      id: "litellm",
      provider: "litellm",
      marker: /\blitellm\.(?:exceptions\.)?[a-z]*(?:error|exception)\b|litellm_proxyexception|\blitellm\.proxy\b/,
    },
    {
      id: "openai-sdk",
      provider: "openai-sdk",
      marker: /\bopenai\.(?:_exceptions\.)?[a-z]*error\b|openai\/_base_client|\bfrom openai import\b/,
    },
    {
      id: "anthropic-sdk",
      provider: "anthropic",
      marker: /\banthropic\.(?:_exceptions\.)?[a-z]*error\b|anthropic\/_base_client|@anthropic-ai\/sdk/,
    },
    { id: "boto3", provider: "bedrock", marker: /\bbotocore\b|\bboto3\b/ },
    { id: "curl", provider: null, marker: /(?:^|\n)\$? ?curl |\bcurl: \([0-9]+\)/ },
  ];

  function detectTool(raw) {
    for (var k = 0; k < TOOLS.length; k++) {
      if (TOOLS[k].marker.test(raw)) return TOOLS[k];
    }
    return null;
  }

  // --- the fallback reading: similar.py ------------------------------------------------------
  var DF_CUT = 4;
  var MIN_COVER = 14;
  var MIN_SHARE = 70;
  var WORD = /[a-z][a-z0-9_]*/g;

  function features(text) {
    var words = text.match(WORD) || [];
    var out = {};
    for (var k = 0; k < words.length; k++) {
      out[words[k]] = true;
      if (k + 1 < words.length) out[words[k] + " " + words[k + 1]] = true;
    }
    return out;
  }

  function buildSimilar(index) {
    var sets = index.entries.map(function (e) {
      return (e.messages || []).map(features);
    });
    var df = Object.create(null);
    sets.forEach(function (entry) {
      var union = Object.create(null);
      entry.forEach(function (fs) {
        for (var f in fs) union[f] = true;
      });
      for (var f in union) df[f] = (df[f] || 0) + 1;
    });
    var weight = Object.create(null);
    for (var f in df) weight[f] = Math.max(0, DF_CUT - df[f]) * (f.indexOf(" ") !== -1 ? 2 : 1);
    // match.py naming_hints: what names each provider in a text.
    var providerHints = Object.create(null);
    index.entries.forEach(function (e) {
      var words = e.provider.split("-").filter(function (w) {
        return w.length >= 5;
      });
      var list = providerHints[e.provider];
      if (!list) {
        list = providerHints[e.provider] = words.slice();
      }
      e.hints.forEach(function (h) {
        var names =
          /[._\/$]/.test(h) ||
          words.some(function (w) {
            return h.indexOf(w) !== -1;
          });
        if (names && list.indexOf(h) === -1) list.push(h);
      });
    });
    return { sets: sets, weight: weight, providerHints: providerHints };
  }

  function rankSimilar(sim, text) {
    var have = features(text);
    var found = [];
    sim.sets.forEach(function (entry, i) {
      var best = null;
      entry.forEach(function (fs, k) {
        var total = 0;
        var covered = 0;
        for (var f in fs) {
          var w = sim.weight[f] || 0;
          total += w;
          if (have[f]) covered += w;
        }
        if (!total || covered < MIN_COVER) return;
        var share = Math.floor((covered * 100) / total);
        if (share >= MIN_SHARE && (best === null || share > best.share)) best = { share: share, message: k };
      });
      if (best !== null) found.push({ entry: i, share: best.share, message: best.message });
    });
    found.sort(function (a, b) {
      return b.share - a.share || a.entry - b.entry;
    });
    return found;
  }
  var SAME_SPAN = 0.5;
  var MAX_MATCHES = 50;

  var compiled = {};
  function regex(source) {
    if (!(source in compiled)) compiled[source] = new RegExp(source, "i");
    return compiled[source];
  }

  function search(p, n) {
    var variants = [n.text, n.full, n.joined];
    for (var v = 0; v < 3; v++) {
      var m = regex(p.regex).exec(variants[v]);
      if (m) return { pattern: p, variant: v, start: m.index, end: m.index + m[0].length, matched: m[0] };
    }
    return null;
  }

  function isWord(c) {
    return /^[A-Za-z0-9]$/.test(c);
  }

  function hasHint(raw, hint) {
    if (hint.length >= 5) return raw.indexOf(hint) !== -1;
    var start = raw.indexOf(hint);
    while (start !== -1) {
      var before = start > 0 ? raw.charAt(start - 1) : "";
      var after = raw.charAt(start + hint.length);
      if (!(isWord(before) && isWord(hint.charAt(0))) && !(isWord(after) && isWord(hint.charAt(hint.length - 1)))) {
        return true;
      }
      start = raw.indexOf(hint, start + 1);
    }
    return false;
  }

  function score(entry, hits, n, tool) {
    var best = hits[0];
    hits.forEach(function (h) {
      var better =
        h.pattern.weight > best.pattern.weight ||
        (h.pattern.weight === best.pattern.weight &&
          (h.variant < best.variant || (h.variant === best.variant && h.start < best.start)));
      if (better) best = h;
    });
    var distinct = [];
    hits.forEach(function (h) {
      if (h.pattern.source !== best.pattern.source && distinct.indexOf(h.pattern.source) === -1) {
        distinct.push(h.pattern.source);
      }
    });
    var points = PATTERN_HIT + Math.floor(Math.min(best.pattern.weight, WEIGHT_CAP) / 2);
    var extra = Math.min(EXTRA_PATTERN * distinct.length, EXTRA_PATTERN_CAP);
    points += extra;
    var status = null;
    for (var k = 0; k < n.statuses.length; k++) {
      if (entry.status.indexOf(n.statuses[k]) !== -1) {
        status = n.statuses[k];
        break;
      }
    }
    var statusPoints = 0;
    var conflict = [];
    if (status !== null) statusPoints = STATUS_MATCH;
    else if (n.statuses.length && entry.status.length) {
      statusPoints = STATUS_CONFLICT;
      conflict = n.statuses.slice();
    }
    var errorType = null;
    for (var t = 0; t < entry.types.length; t++) {
      if (n.types.indexOf(entry.types[t]) !== -1) {
        errorType = entry.types[t];
        break;
      }
    }
    var typePoints = errorType ? TYPE_MATCH : 0;
    var hints = entry.hints.filter(function (h) {
      return hasHint(n.raw, h);
    });
    var toolPoints = tool && tool.provider === entry.provider ? TOOL_MATCH : 0;
    points += statusPoints + typePoints + Math.min(HINT * hints.length, HINT_CAP) + toolPoints;
    return {
      points: points,
      entry: entry,
      best: best,
      parts: [hints.length + toolPoints, statusPoints, typePoints, extra],
      why: {
        pattern: best.pattern.source,
        matched: best.matched,
        status: status,
        status_conflict: conflict,
        error_type: errorType,
        hints: hints,
        tool: tool ? tool.id : null,
        similar: null,
        tied_with: [],
      },
    };
  }

  function levelTies(scored) {
    var group = scored.map(function (_, k) {
      return k;
    });
    function rootOf(k) {
      while (group[k] !== k) k = group[k];
      return k;
    }
    for (var a = 0; a < scored.length; a++) {
      for (var b = a + 1; b < scored.length; b++) {
        var A = scored[a];
        var B = scored[b];
        var sameParts = A.parts.join() === B.parts.join();
        if (A.entry.provider === B.entry.provider || !sameParts || A.parts[0] || A.best.variant !== B.best.variant) {
          continue;
        }
        var overlap = Math.min(A.best.end, B.best.end) - Math.max(A.best.start, B.best.start);
        var shorter = Math.min(A.best.end - A.best.start, B.best.end - B.best.start);
        if (shorter > 0 && overlap >= SAME_SPAN * shorter) group[rootOf(b)] = rootOf(a);
      }
    }
    var members = {};
    var order = [];
    scored.forEach(function (_, k) {
      var r = rootOf(k);
      if (!(r in members)) {
        members[r] = [];
        order.push(r);
      }
      members[r].push(k);
    });
    order.forEach(function (r) {
      var ks = members[r];
      if (ks.length < 2) return;
      var top = Math.max.apply(
        null,
        ks.map(function (k) {
          return scored[k].points;
        })
      );
      ks.forEach(function (k) {
        scored[k].points = top;
        scored[k].why.tied_with = ks
          .filter(function (o) {
            return o !== k;
          })
          .map(function (o) {
            return scored[o].entry.id;
          });
      });
    });
  }

  function percent(points) {
    return Math.min(100, Math.floor((200 * Math.max(0, points) + MAX_POINTS) / (2 * MAX_POINTS)));
  }

  function resemblances(index, n, tool) {
    if (!index._similar) index._similar = buildSimilar(index);
    var sim = index._similar;
    var out = [];
    rankSimilar(sim, n.text).forEach(function (r) {
      var entry = index.entries[r.entry];
      var named = sim.providerHints[entry.provider].some(function (h) {
        return hasHint(n.raw, h);
      });
      if (!(named || (tool && tool.provider === entry.provider))) return;
      var excluded = entry.exclude.some(function (x) {
        return search(x, n) !== null;
      });
      if (excluded) return;
      out.push({
        entry: entry,
        score: Math.floor((SIMILAR_CAP * r.share) / 100),
        why: {
          pattern: "",
          matched: "",
          status: null,
          status_conflict: [],
          error_type: null,
          hints: [],
          tool: tool ? tool.id : null,
          similar: r.message,
          tied_with: [],
        },
      });
    });
    return out.slice(0, MAX_MATCHES);
  }

  function explain(pasted, index) {
    var n = normalise(pasted);
    var tool = detectTool(n.raw);
    var scored = [];
    index.entries.forEach(function (entry, order) {
      var hits = [];
      entry.patterns.forEach(function (p) {
        if (
          p.literal &&
          n.text.indexOf(p.literal) === -1 &&
          n.full.indexOf(p.literal) === -1 &&
          n.joined.indexOf(p.literal) === -1
        ) {
          return;
        }
        var hit = search(p, n);
        if (hit) hits.push(hit);
      });
      if (!hits.length) return;
      var excluded = entry.exclude.some(function (x) {
        return search(x, n) !== null;
      });
      if (excluded) return;
      var s = score(entry, hits, n, tool);
      s.order = order;
      scored.push(s);
    });
    function byScore(a, b) {
      return b.points - a.points || a.order - b.order;
    }
    scored.sort(byScore);
    scored = scored.slice(0, MAX_MATCHES);
    levelTies(scored);
    scored.sort(byScore);
    var found = scored.map(function (s) {
      return { entry: s.entry, score: percent(s.points), why: s.why };
    });
    // Declared patterns first, then the entries the text resembles (match.py explain).
    var have = {};
    found.forEach(function (m) {
      have[m.entry.id] = true;
    });
    resemblances(index, n, tool).forEach(function (m) {
      if (!have[m.entry.id]) found.push(m);
    });
    return found.slice(0, MAX_MATCHES);
  }

  var api = { normalise: normalise, explain: explain, decode: decode };

  // --- the box on the page ----------------------------------------------------------------
  var SCRIPT_URL = root.document && root.document.currentScript ? root.document.currentScript.src : null;
  var LIMIT = 5;

  function siteRoot() {
    // The script is <site>/assets/explain.js; the JSON sits beside it and URLs are site-relative.
    return new URL("../", SCRIPT_URL || root.location.href);
  }

  function show(box, list, index, lang) {
    var results = box.querySelector(".kb-explain__results");
    var input = box.querySelector(".kb-explain__input");
    while (results.firstChild) results.removeChild(results.firstChild);
    var text = input ? input.value : "";
    if (!text.trim()) return;
    var matches = explain(text, index);
    if (matches.length > LIMIT) {
      var cut = matches[LIMIT - 1].score;
      matches = matches.filter(function (m, k) {
        return k < LIMIT || m.score === cut;
      });
    }
    if (!matches.length) {
      var none = root.document.createElement("li");
      none.className = "kb-explain__none";
      none.textContent = box.getAttribute("data-none") || "";
      results.appendChild(none);
      return;
    }
    matches.forEach(function (m) {
      var li = root.document.createElement("li");
      li.className = "kb-explain__result";
      li.setAttribute("data-entry", m.entry.id);
      li.setAttribute("data-score", String(m.score));
      var a = root.document.createElement("a");
      a.href = new URL(m.entry.url[lang] || m.entry.url.en, list).href;
      a.textContent = m.entry.title[lang] || m.entry.title.en;
      li.appendChild(a);
      li.appendChild(root.document.createTextNode(" "));
      var code = root.document.createElement("code");
      code.textContent = m.entry.id;
      li.appendChild(code);
      var why = root.document.createElement("span");
      why.className = "kb-explain__why";
      // The evidence besides the pattern, in the provider's own terms (no prose to translate).
      var bits = [];
      if (m.why.status !== null) bits.push("HTTP " + m.why.status);
      if (m.why.error_type) bits.push(m.why.error_type);
      // The tool that printed the text, by its ID; a resemblance (no pattern hit) is marked with ≈.
      if (m.why.tool) bits.push(m.why.tool);
      if (m.why.similar !== null) bits.push("\u2248");
      why.textContent = bits.length ? " · " + bits.join(" · ") : "";
      li.appendChild(why);
      results.appendChild(li);
    });
  }

  function attach(box, load) {
    var lang = box.getAttribute("data-lang") === "ja" ? "ja" : "en";
    var button = box.querySelector(".kb-explain__button");
    var input = box.querySelector(".kb-explain__input");
    function run() {
      load().then(
        function (index) {
          show(box, siteRoot(), index, lang);
        },
        function (err) {
          var results = box.querySelector(".kb-explain__results");
          while (results.firstChild) results.removeChild(results.firstChild);
          var li = root.document.createElement("li");
          li.className = "kb-explain__error";
          li.textContent = "explain.json: " + (err && err.message ? err.message : String(err));
          results.appendChild(li);
        }
      );
    }
    if (button) button.addEventListener("click", run);
    if (input) {
      input.addEventListener("keydown", function (ev) {
        if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) {
          ev.preventDefault();
          run();
        }
      });
    }
    box.setAttribute("data-ready", "true");
  }

  function start() {
    var boxes = root.document.querySelectorAll(".kb-explain");
    if (!boxes.length) return;
    var pending = null;
    function load() {
      // Fetched once, on first use, from this site only.
      if (!pending) {
        pending = root
          .fetch(new URL("assets/explain.json", siteRoot()).href, { credentials: "same-origin" })
          .then(function (r) {
            if (!r.ok) throw new Error("HTTP " + r.status);
            return r.json();
          });
        pending.catch(function () {
          pending = null; // let a later click try again
        });
      }
      return pending;
    }
    for (var k = 0; k < boxes.length; k++) attach(boxes[k], load);
  }

  if (typeof module !== "undefined" && module.exports) {
    module.exports = api;
  } else {
    root.kbExplain = api;
    if (root.document) {
      if (root.document.readyState === "loading") root.document.addEventListener("DOMContentLoaded", start);
      else start();
    }
  }
})(typeof window !== "undefined" ? window : globalThis);
