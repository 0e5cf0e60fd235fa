/*
 * Search worker: Material's own worker, wrapped to fix three things for this ja/en error dictionary.
 *
 * 1. Japanese compounds typed without spaces. Material's worker splits each document with
 *    TinySegmenter (トークン上限 → トークン | 上限) but sends the query to lunr as one term with a
 *    trailing wildcard (トークン上限*), which no indexed token starts with, so nothing is found.
 *    Here a Japanese query word is split by the very same segmenter instance that split the
 *    documents, and every piece is required (+トークン* +上限*). If that finds nothing, the
 *    pieces are tried again as optional terms, so a segmentation mismatch never costs a result.
 * 2. Error text. A reader pastes `invalid x-api-key` or `STATUS$ERROR_LLM_AUTHENTICATION`;
 *    lunr scores words one by one, so pages that merely use the same words ranked above the entry
 *    that quotes the message. Results are re-ranked: the entry whose ID spells the query, then
 *    pages whose title holds it as typed or that carry it as a tag, then pages whose ID contains
 *    it, then (for Latin-script error text) pages whose text holds it; lunr's order within each
 *    group. A colon no longer makes the query a lunr field
 *    search that fails ("AuthenticationError: ..." is pasted text, not `field:term`).
 * 3. Tags. Results show at most three tags (provider, HTTP status, symptom come first).
 *
 * Each language has its own index (generator/site/i18n.py splits static-i18n's merged one), with
 * that language's lunr settings already in it.
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
  /* The query as the page sent it, for phrase ranking. */
  var typed = ""

  var CJK = /[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]/
  /* Most tags a result shows. */
  var MAX_TAGS = 3

  /* Per page (location without #...): its title and all its text, lower-cased, for phrase ranking. */
  var pages = Object.create(null)

  function plain(html) {
    return String(html || "")
      .replace(/<[^>]*>/g, " ")
      .replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"')
      .replace(/&#0?39;/g, "'").replace(/&amp;/g, "&")
      .replace(/\s+/g, " ")
      .toLowerCase()
  }

  function slug(text) {
    return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "-").replace(/^-+|-+$/g, "")
  }

  function setup(data) {
    var all = data.config && data.config.kb_languages
    /* An index that still holds both languages (built before the split): keep this language's. */
    if (all && Object.prototype.hasOwnProperty.call(all, lang)) {
      var own = all[lang]
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
    for (var i = 0; i < data.docs.length; i++) {
      var doc = data.docs[i]
      var key = doc.location.split("#")[0]
      var page = pages[key] || (pages[key] = { title: "", text: "", tags: [], slug: slug(key.replace(/\/$/, "").split("/").pop() || "") })
      if (doc.location === key) {
        page.title = plain(doc.title)
        page.tags = (doc.tags || []).map(function (tag) { return plain(tag).trim() })
      }
      page.text += " " + plain(doc.title) + " " + plain(doc.text)
    }
  }

  /* How well a page answers the query read as one phrase: 0 (not at all) to 4 (its ID). */
  function phraseRank(key, phrase, phraseSlug) {
    var page = pages[key]
    if (!page || !phrase)
      return 0
    if (phraseSlug && page.slug === phraseSlug)
      return 4
    /* A tag is a keyword the guide chose for the page: it counts when the query is exactly it. */
    if (page.title.indexOf(phrase) !== -1 || (page.tags && page.tags.indexOf(phrase) !== -1))
      return 3
    if (phraseSlug && ("-" + page.slug + "-").indexOf("-" + phraseSlug + "-") !== -1)
      return 2
    /* Only for what reads like pasted error text (several words, or code-like characters), in
     * Latin script: for a Japanese word lunr's segmented ranking is better than "the text
     * contains it", which would favour pages that happen to write モデルID over モデル ID. */
    if (/[\s$_.:\/]/.test(phrase) && !CJK.test(phrase) && page.text.indexOf(phrase) !== -1)
      return 1
    return 0
  }

  function rerank(items, query) {
    var phrase = String(query || "").replace(/^["']|["']$/g, "").replace(/\s+/g, " ").trim().toLowerCase()
    if (phrase.length < 3)
      return items
    var phraseSlug = slug(phrase)
    return items
      .map(function (group, index) {
        var key = group.length ? group[0].location.split("#")[0] : ""
        return { group: group, index: index, rank: phraseRank(key, phrase, phraseSlug) }
      })
      .sort(function (a, b) { return b.rank - a.rank || a.index - b.index })
      .map(function (x) { return x.group })
  }

  function trimTags(items) {
    for (var i = 0; i < items.length; i++)
      for (var j = 0; j < items[i].length; j++)
        if (items[i][j].tags && items[i][j].tags.length > MAX_TAGS)
          items[i][j].tags = items[i][j].tags.slice(0, MAX_TAGS)
    return items
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
      typed = message.data
      /* Pasted error text is not lunr syntax: "Error: x" would be read as a search in field "Error". */
      if (!/^\s*(title|text|tags):/.test(message.data))
        message.data = message.data.replace(/[:^~]/g, " ")
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
    if (message && message.type === RESULT && message.data && message.data.items)
      message.data.items = trimTags(rerank(message.data.items, typed))
    return post.apply(self, arguments)
  }

  importScripts(worker)
})()
