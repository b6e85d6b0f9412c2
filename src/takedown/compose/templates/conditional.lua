-- Conditional content for one output only: the built-in composer (compose/conditional.py) has
-- already removed content hidden everywhere and wrapped content meant for one format in a
-- `td-only-html` or `td-only-typst` div or span. Keep its content in that format, drop it in
-- the other. Runs before crossref.lua, so a dropped figure is never numbered.
local function output()
  if FORMAT:match("typst") then return "typst" end
  if FORMAT:match("html") then return "html" end
  return FORMAT
end

local function only(el)
  for _, c in ipairs(el.classes) do
    local f = c:match("^td%-only%-(%a+)$")
    if f then
      if f == output() then return el.content end
      return {}
    end
  end
  return nil
end

return { { Div = only, Span = only } }
