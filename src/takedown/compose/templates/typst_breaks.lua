-- Break points in long table tokens for the Typst PDF, run by both engines (the built-in
-- composer after crossref.lua; Quarto through the front matter's `filters`), so that no engine
-- overprints a cell with a token wider than its column.
--
-- md_table gives every column room for its longest token up to TOKEN_CAP characters
-- (takedown.table_widths), so numbers, ids and hashes never break; only a longer token (a long
-- file name, a URL) gets break points: after each "_", "/", ".", ":" or "," (a file name breaks
-- between its parts, never mid-word), and, in a run of more than 16 ASCII characters without
-- one, an empty box every 8. A break point is an empty box, not text, so a token copied from the
-- PDF comes out exactly as it is (a zero-width space would be copied too). `;` ends the box
-- expression, so whatever text follows stays text. Only between two ASCII characters, so emoji
-- sequences and combining marks are never split, and never before a "-" or "+", which Typst
-- would set as a minus or plus sign before a digit at the start of the text after the box.
local BREAK = "#box[];"
local TOKEN_CAP = 30
local SEPARATORS = { [95] = true, [47] = true, [46] = true, [58] = true, [44] = true }

local function soft_break(str)
  if utf8.len(str.text) <= TOKEN_CAP then return nil end
  local has_separator = str.text:find("[_/.:,]") ~= nil
  local out, piece, run, prev_ascii, after_sep = pandoc.Inlines({}), {}, 0, false, false
  for _, cp in utf8.codes(str.text) do
    local ascii = cp < 128
    local long_run = run >= (has_separator and 16 or 8)
    if ascii and prev_ascii and (after_sep or long_run) and cp ~= 45 and cp ~= 43 then
      out:insert(pandoc.Str(table.concat(piece)))
      out:insert(pandoc.RawInline("typst", BREAK))
      piece, run = {}, 0
    end
    piece[#piece + 1] = utf8.char(cp)
    run = ascii and run + 1 or 0
    prev_ascii = ascii
    after_sep = SEPARATORS[cp] == true
  end
  out:insert(pandoc.Str(table.concat(piece)))
  return out
end

if not FORMAT:match("typst") then
  return {}
end
return { { Table = function(tbl) return tbl:walk({ Str = soft_break }) end } }
