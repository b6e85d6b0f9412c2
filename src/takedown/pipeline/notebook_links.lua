-- Quarto's HTML, rendered with notebook-view: false (no notebook previews to build): after each
-- notebook's first embed, the "Source: <title>" link Quarto would write, to the url the front
-- matter's takedown-notebooks list gives (the executed notebook in the version folder).
local links = {}
local seen = {}

local function basename(path)
  return (path:gsub("\\", "/"):match("([^/]+)$"))
end

local function read_links(meta)
  for _, view in ipairs(meta["takedown-notebooks"] or {}) do
    local nb, url = pandoc.utils.stringify(view.notebook or ""), view.url
    if nb ~= "" and url then
      links[basename(nb)] = {
        title = pandoc.utils.stringify(view.title or basename(nb)),
        url = pandoc.utils.stringify(url),
      }
    end
  end
end

local function add_link(div)
  if not div.classes:includes("quarto-embed-nb-cell") then
    return nil
  end
  local name = basename(div.attributes["notebook"] or "")
  local link = links[name]
  if link == nil or seen[name] then
    return nil
  end
  seen[name] = true
  -- A plain link in a classed div, as the built-in composer writes it: Quarto's theme draws a
  -- notebook icon before every .quarto-notebook-link, so a classed link inside would draw two.
  local a = pandoc.Link({ pandoc.Str("Source: " .. link.title) }, link.url)
  return { div, pandoc.Div({ pandoc.Plain({ a }) }, pandoc.Attr("", { "quarto-notebook-link" })) }
end

if not quarto.doc.is_format("html") then
  return {}
end
return { { Meta = read_links }, { Div = add_link } }
