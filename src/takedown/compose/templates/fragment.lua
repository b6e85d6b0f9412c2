-- Profile context entries, each read on its own as a Markdown fragment (`pandoc lua fragment.lua`).
-- Input on stdin, JSON: {reader, callout, source, after, entries: [{text, media}]}. For each entry
-- it writes one line of JSON: the fragment's AST; the Markdown pandoc writes back from it, with
-- images renamed to <media>-<sha1 of the source>.<ext>; that Markdown read again alone; and read
-- again inside a callout followed by a paragraph. profile_context.py compares them: the written
-- Markdown is what the report includes, so an entry that reads differently inside its callout
-- cannot reach the report.

local request = pandoc.json.decode(io.read("a"), false)
local reader = request.reader

local function ast(doc)
  return pandoc.json.decode(pandoc.write(doc, "json"), false)
end

local function rename_images(doc, media)
  return doc:walk({
    Image = function(img)
      local ext = (img.src:match("%.(%w+)$") or ""):lower()
      if ext == "jpeg" then ext = "jpg" end
      img.src = media .. "-" .. pandoc.utils.sha1(img.src):sub(1, 12) .. "." .. ext
      return img
    end,
  })
end

for i, entry in ipairs(request.entries) do
  local doc = pandoc.read(entry.text, reader)
  local fragment = ast(doc)
  local renamed = rename_images(doc, entry.media)
  local markdown = pandoc.write(renamed, reader, { wrap_text = "wrap-none" })
  local wrapped = request.callout .. "\n" .. markdown .. "\n\n" .. request.source .. "\n:::\n\n"
    .. request.after .. "\n"
  io.write(pandoc.json.encode({
    fragment = fragment,
    renamed = ast(renamed),
    markdown = markdown,
    alone = ast(pandoc.read(markdown, reader)),
    wrapped = ast(pandoc.read(wrapped, reader)),
  }), "\n")
end
