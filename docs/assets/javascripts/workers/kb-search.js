/*
 * Search worker: Material's own worker, wrapped to fix two things for this ja/en site.
 *
 * 1. Japanese compounds typed without spaces. Material's worker splits each document with
 *    TinySegmenter (トークン上限 → トークン | 上限) but sends the query to lunr as one term with a
 *    trailing wildcard (トークン上限*), which no indexed token starts with, so nothing is found.
 *    Here a Japanese query word is split by the very same segmenter instance that split the
 *    documents, and every piece is required (+トークン* +上限*). If that finds nothing, the
 *    pieces are tried again as optional terms, so a segmentation mismatch never costs a result.
 * 2. One index for two languages. mkdocs-static-i18n merges both languages into one
 *    search_index.json (by design, ultrabug/mkdocs-static-i18n#271). The page says which
 *    language it is (?lang=), and this worker keeps only that language's documents, with the
 *    lunr settings Material would use for that language alone (written into the index at build
 *    time by generator/search_ja.py).
 *
 * The page's __config points here instead of Material's worker (overrides/main.html), passing
 * Material's hashed worker file name as ?worker=. This file must stay in the same folder as
 * Material's worker: Material loads lunr's language files from "../lunr", relative to the
 * worker script's own URL.
 */
;(function () {
  "use strict"

  /* Material's message types (integrations/search/worker/message) */
  var SETUP = 0
  var QUERY = 2
  var RESULT = 3

  var params = new URLSearchParams(self.location.search)
  var lang = params.get("lang") || ""
  var worker = params.get("worker") || ""
  /* Only ever load Material's own worker from this folder. */
  if (!/^search\.[0-9a-f]+\.min\.js$/.test(worker))
    throw new Error("kb-search: unexpected worker name " + JSON.stringify(worker))

  /* The optional-terms query to try when the required-terms query found nothing. */
  var fallback = null

  /* Documents of this page's language, with that language's lunr settings. */
  function setup(data) {
    var all = data.config && data.config.kb_languages
    if (!all || !Object.prototype.hasOwnProperty.call(all, lang))
      return
    var own = all[lang]
    /* The default language has no URL prefix; the others live under "<lang>/". */
    var others = Object.keys(all)
      .map(function (key) { return all[key].prefix })
      .filter(function (prefix) { return prefix && prefix !== own.prefix })
    data.docs = data.docs.filter(function (doc) {
      if (own.prefix)
        return doc.location.indexOf(own.prefix) === 0
      return !others.some(function (prefix) { return doc.location.indexOf(prefix) === 0 })
    })
    data.config.lang = own.lang
    data.config.separator = own.separator
    data.config.pipeline = own.pipeline
  }

  /* Split each Japanese word of the query like the documents were split. */
  function rewrite(query) {
    var segmenter = self.lunr && self.lunr.segmenter
    /* Quotes and lunr operators mean the reader wrote a lunr query: leave it to Material. */
    if (!segmenter || /["*~^:]/.test(query))
      return null
    var strict = []
    var loose = []
    var changed = false
    var parts = query.trim().split(/\s+/)
    for (var i = 0; i < parts.length; i++) {
      var part = parts[i]
      if (!part)
        continue
      /* Same test as Material's tokenizer: only text with kanji or kana is segmented. */
      var japanese = /^[+-]/.test(part) === false && /^[MHIK]$/.test(segmenter.ctype_(part))
      var words = japanese
        ? segmenter.segment(part).filter(function (w) { return /[\p{L}\p{N}]/u.test(w) })
        : []
      if (words.length < 2) {
        strict.push(part)
        loose.push(part)
        continue
      }
      changed = true
      for (var j = 0; j < words.length; j++) {
        strict.push("+" + words[j].toLowerCase() + "*")
        loose.push(words[j].toLowerCase())
      }
    }
    return changed ? { strict: strict.join(" "), loose: loose.join(" ") } : null
  }

  /* Runs before Material's listener (registered first), so it sees and edits the message first. */
  addEventListener("message", function (ev) {
    var message = ev.data
    if (!message || ev.kbFallback)
      return
    if (message.type === SETUP) {
      setup(message.data)
    } else if (message.type === QUERY) {
      var query = rewrite(message.data)
      fallback = query ? query.loose : null
      if (query)
        message.data = query.strict
    }
  })

  /* Material answers each query with one postMessage; an empty answer to a rewritten query is
   * replaced by the answer to its fallback. Messages are handled one at a time, so the fallback
   * always belongs to the query being answered. */
  var post = self.postMessage.bind(self)
  self.postMessage = function (message) {
    if (message && message.type === RESULT && fallback !== null && !message.data.items.length) {
      var ev = new MessageEvent("message", { data: { type: QUERY, data: fallback } })
      ev.kbFallback = true
      fallback = null
      dispatchEvent(ev)
      return
    }
    fallback = null
    return post.apply(self, arguments)
  }

  importScripts(worker)
})()
