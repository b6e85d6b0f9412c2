-- Number labelled figures and tables in order of appearance and resolve @fig-/@tbl- references,
-- so HTML and PDF show the same "Figure N" text without relying on either writer's numbering.
-- Errors start with "takedown:" so the Python side can report them as ComposeError.

local KINDS = { fig = "Figure", tbl = "Table" }
-- Quarto cross-reference prefixes this composer does not implement: referencing them is an error.
local UNSUPPORTED = { sec = true, eq = true, lst = true, thm = true, lem = true, cor = true,
  prp = true, cnj = true, def = true, exm = true, exr = true }

local numbers = {}   -- id -> number
local counts = { fig = 0, tbl = 0 }

local function fail(msg)
  error("takedown: " .. msg, 0)
end

-- An error about a piece of source text: the text after the unit separator (\31) is what the
-- Python side searches for in the sources to prefix the message with file:line.
local function fail_at(token, msg)
  error("takedown: " .. msg .. "\31" .. token, 0)
end

local function prefix_of(id)
  return id and id:match("^(%a+)%-") or nil
end

local function number_id(id)
  local p = prefix_of(id)
  if not KINDS[p] then return end
  if numbers[id] then fail("duplicate label #" .. id .. ": every figure/table label must be unique") end
  counts[p] = counts[p] + 1
  numbers[id] = counts[p]
end

local function label_inlines(id)
  local p = prefix_of(id)
  return pandoc.Inlines({ pandoc.Str(KINDS[p]), pandoc.Space(), pandoc.Str(tostring(numbers[id])) })
end

-- Prefix a caption's first block with "Figure N: " (kept in a span so CSS can style it).
local function prefix_caption(caption, id)
  local lbl = label_inlines(id)
  lbl:insert(pandoc.Str(":"))
  local span = pandoc.Span(lbl, pandoc.Attr("", { "caption-label" }))
  if FORMAT:match("typst") then span = pandoc.Strong({ span }) end
  local long = caption.long
  if #long == 0 then
    caption.long = pandoc.Blocks({ pandoc.Plain({ span }) })
  else
    local first = long[1]
    if first.t == "Plain" or first.t == "Para" then
      first.content:insert(1, pandoc.Space())
      first.content:insert(1, span)
    else
      long:insert(1, pandoc.Plain({ span }))
    end
  end
  return caption
end

-- Quarto div syntax (::: {#fig-x} ... caption paragraph :::) becomes a Figure, or a captioned
-- Table when the div holds exactly one table.
local function div_to_float(div)
  local id = div.identifier
  local blocks = div.content
  if #blocks < 2 or blocks[#blocks].t ~= "Para" then
    fail("::: {#" .. id .. "} needs content followed by a caption paragraph as its last block")
  end
  local cap_para = blocks[#blocks]
  local body = pandoc.Blocks({})
  for i = 1, #blocks - 1 do body:insert(blocks[i]) end
  local caption = pandoc.Caption(pandoc.Blocks({ pandoc.Plain(cap_para.content) }))
  if prefix_of(id) == "tbl" and #body == 1 and body[1].t == "Table" then
    local tbl = body[1]
    tbl.identifier = id
    tbl.caption = caption
    for _, c in ipairs(div.classes) do tbl.classes:insert(c) end
    return tbl
  end
  -- An implicit figure inside the div (image with alt text) is unwrapped; images get the
  -- caption as alt text when they have none.
  body = body:walk({ Figure = function(fig)
    if fig.identifier == "" then return fig.content end
  end })
  body = body:walk({ Para = function(para)
    if #para.content == 1 and para.content[1].t == "Image" then return pandoc.Plain(para.content) end
  end })
  body = body:walk({ Image = function(img)
    if #img.caption == 0 then img.caption = cap_para.content end
    return img
  end })
  return pandoc.Figure(body, caption, pandoc.Attr(id, div.classes, div.attributes))
end

local function is_local_src(src)
  if src:match("^%a[%w+.-]*:") or src:match("^//") or src:match("^/") then return false end
  return true
end

local function check_image(img)
  if not is_local_src(img.src) then
    fail("image source '" .. img.src .. "' is not a relative local path; copy the file beside the report")
  end
  if FORMAT:match("typst") and img.attributes.width == nil and img.attributes.height == nil then
    img.attributes.width = "100%"
  end
  return img
end

local function check_link(link)
  local scheme = link.target:match("^(%a[%w+.-]*):")
  if scheme then
    scheme = scheme:lower()
    if scheme ~= "http" and scheme ~= "https" and scheme ~= "mailto" then
      fail("link target scheme '" .. scheme .. ":' is not allowed (only http, https, mailto)")
    end
  end
  return link
end

local function cite_to_link(cite)
  local refs, others = 0, 0
  for _, c in ipairs(cite.citations) do
    local p = prefix_of(c.id)
    if KINDS[p] or UNSUPPORTED[p] then refs = refs + 1 else others = others + 1 end
  end
  if refs == 0 then
    -- Quarto reads `@name` as a citation too; with no bibliography its Typst output fails and
    -- its HTML shows "?name". A literal @ in prose must be written \@.
    local key = cite.citations[1].id
    fail_at("@" .. key, "'@" .. key .. "' is read as a citation (Quarto reads it the same way " ..
      "and this report has no bibliography); write \\@" .. key .. " for a literal @")
  end
  if others > 0 then
    fail("citation " .. pandoc.utils.stringify(cite.content) ..
      " mixes cross-references with other @keys; write them separately")
  end
  local out = pandoc.Inlines({})
  for i, c in ipairs(cite.citations) do
    local id = c.id
    local p = prefix_of(id)
    if not numbers[id] then
      if UNSUPPORTED[p] then
        fail("cross-reference @" .. id .. ": '" .. p .. "-' references are not supported by the built-in composer")
      end
      fail("unknown cross-reference @" .. id .. ": no figure/table is labelled #" .. id)
    end
    if i > 1 then out:insert(pandoc.Str(",")); out:insert(pandoc.Space()) end
    if #c.prefix > 0 then out:extend(c.prefix); out:insert(pandoc.Space()) end
    local text
    if c.mode == "SuppressAuthor" then
      text = pandoc.Inlines({ pandoc.Str(tostring(numbers[id])) })
    else
      text = label_inlines(id)
    end
    out:insert(pandoc.Link(text, "#" .. id, "", pandoc.Attr("", { "xref" })))
    out:extend(c.suffix)
  end
  return out
end

-- Quarto callouts: a title (attribute or leading heading) becomes a bold line, so it stays out
-- of the table of contents; for Typst the div is wrapped in the template's #callout function.
local CALLOUT_KINDS = { note = true, tip = true, warning = true, caution = true,
  important = true, failed = true }

local function callout(div)
  local kind
  for _, c in ipairs(div.classes) do
    local k = c:match("^callout%-(%a+)$")
    if k and CALLOUT_KINDS[k] then kind = k end
  end
  if not kind then return nil end
  local content = div.content
  local title = div.attributes.title
  if not title and (#content == 0 or content[1].t ~= "Header") and kind ~= "failed" then
    -- Quarto titles an untitled callout with its type ("Warning"); so does this composer.
    title = kind:sub(1, 1):upper() .. kind:sub(2)
  end
  if title then
    div.attributes.title = nil
    content:insert(1, pandoc.Div(pandoc.Plain({ pandoc.Strong({ pandoc.Str(title) }) }),
      pandoc.Attr("", { "callout-title" })))
  elseif #content > 0 and content[1].t == "Header" then
    content[1] = pandoc.Div(pandoc.Plain({ pandoc.Strong(content[1].content) }),
      pandoc.Attr("", { "callout-title" }))
  end
  div.content = content
  if FORMAT:match("typst") then
    return pandoc.Blocks({
      pandoc.RawBlock("typst", '#callout("' .. kind .. '")['),
      div,
      pandoc.RawBlock("typst", "]"),
    })
  end
  return div
end

-- Long tokens in table cells get their break points in typst_breaks.lua, run after this filter.

-- Quarto's reader (pandoc markdown) turns raw HTML/TeX, `{=format}` blocks and $math$ into
-- elements this composer will not pass on (they could run as markup); a source that uses them
-- is refused, so both engines never show different things. HTML comments are dropped, as
-- Quarto's Typst output does and its HTML output shows them: invisibly.
local function is_comment(raw)
  return raw.format == "html" and raw.text:match("^%s*<!%-%-.*%-%->%s*$") ~= nil
end

local function refuse_raw(raw)
  if is_comment(raw) then return {} end
  local first = raw.text:match("^%s*([^\n]*)") or raw.text
  fail_at(first, "raw " .. raw.format .. " '" .. first:sub(1, 40) .. "' is not supported by " ..
    "the built-in composer; write it as Markdown, or escape the < or \\ with a backslash")
end

local function refuse_math(math)
  fail_at("$" .. math.text, "math '$" .. math.text:sub(1, 40) .. "$' is not supported by " ..
    "the built-in composer; write a literal dollar as \\$")
end

-- Quarto links each embedded notebook's first cell to the notebook ("Source: ..."); in the
-- HTML only, as Quarto does.
-- Event-handler attributes (`<span onclick=...>`, `[x]{onclick=...}`) never reach the HTML.
local function refuse_handlers(el)
  for k, _ in pairs(el.attributes) do
    if k:lower():match("^on") then
      fail_at(k .. "=", "attribute '" .. k .. "' is not allowed: the report runs no script")
    end
  end
end

local function notebook_link(div)
  refuse_handlers(div)
  if div.classes:includes("quarto-notebook-link") and not FORMAT:match("html") then
    return {}
  end
end

-- A pipe table's caption may end in `{#tbl-x}`. Quarto reads tables without pandoc's
-- table_attributes and takes the label from the caption text; so does this composer.
local function caption_label(tbl)
  if tbl.identifier ~= "" or #tbl.caption.long == 0 then return nil end
  local block = tbl.caption.long[#tbl.caption.long]
  if block.t ~= "Plain" and block.t ~= "Para" then return nil end
  local inlines = block.content
  local last = inlines[#inlines]
  local id = last and last.t == "Str" and last.text:match("^{#([%w_-]+)}$")
  if not id then return nil end
  inlines:remove(#inlines)
  while #inlines > 0 and (inlines[#inlines].t == "Space" or inlines[#inlines].t == "SoftBreak") do
    inlines:remove(#inlines)
  end
  tbl.identifier = id
  return tbl
end

function Pandoc(doc)
  doc = doc:walk({ Table = caption_label })
  doc = doc:walk({
    RawInline = refuse_raw,
    RawBlock = refuse_raw,
    Math = refuse_math,
    Div = notebook_link,
    Span = refuse_handlers,
  })
  -- Pass 1 (document order): turn div floats into figures/tables, then number labels.
  doc = doc:walk({ Div = function(div)
    if KINDS[prefix_of(div.identifier)] then return div_to_float(div) end
  end })
  doc:walk({
    traverse = "topdown",
    Figure = function(fig) number_id(fig.identifier) end,
    Table = function(tbl) number_id(tbl.identifier) end,
  })
  -- Pass 2: captions, references, and resource checks.
  doc = doc:walk({
    Figure = function(fig)
      if numbers[fig.identifier] then prefix_caption(fig.caption, fig.identifier) end
      return fig
    end,
    Table = function(tbl)
      if numbers[tbl.identifier] then prefix_caption(tbl.caption, tbl.identifier) end
      return tbl
    end,
    Cite = cite_to_link,
    Image = check_image,
    Link = check_link,
  })
  doc = doc:walk({ Div = callout })
  if FORMAT:match("typst") then
    doc = doc:walk({ Table = function(tbl)
      -- Default-aligned columns would inherit the figure's centering in Typst: make them left.
      for i, spec in ipairs(tbl.colspecs) do
        if spec[1] == "AlignDefault" then tbl.colspecs[i] = { "AlignLeft", spec[2] } end
      end
      -- Pandoc leaves a leading "=", "-", "+", "/" or "1." of a cell unescaped in Typst, where it
      -- would start a heading or list: an empty expression first keeps the cell's text literal.
      local function guard(cell)
        local first = cell.contents[1]
        if first and (first.t == "Plain" or first.t == "Para") then
          first.content:insert(1, pandoc.RawInline("typst", '#""'))
        end
        return cell
      end
      tbl.head.rows = tbl.head.rows:map(function(row) row.cells = row.cells:map(guard) return row end)
      for _, body in ipairs(tbl.bodies) do
        body.body = body.body:map(function(row) row.cells = row.cells:map(guard) return row end)
      end
      return tbl
    end })
  end
  return doc
end
