" vim-client.vim: Vim's own LSP channel (job_start with in_mode/out_mode
" 'lsp': Vim frames and encodes every message) as a real client of vyre-lsp,
" for vim-client.test. Set before sourcing: g:server, g:file, g:out, and
" g:encodings (what the client offers in capabilities.general).
" Vim computes the positions it sends on its own: the UTF-16 units (or
" bytes) before a word in the buffer's line, from the characters Vim decoded.
" Without a locale (lit's environment) Vim would read the file as Latin-1.
set encoding=utf-8
let s:log = []
let s:notes = []
func s:OnNotify(ch, msg)
  call add(s:notes, a:msg)
endfunc
func s:Say(text)
  call add(s:log, a:text)
endfunc
" The character index LSP wants for byte offset a:byte of a:line.
func s:Units(line, byte)
  if s:encoding ==# 'utf-8'
    return a:byte
  endif
  let n = 0
  for c in split(strpart(a:line, 0, a:byte), '\zs')
    let n += char2nr(c) > 0xFFFF ? 2 : 1
  endfor
  return n
endfunc

let s:job = job_start([g:server], #{in_mode: 'lsp', out_mode: 'lsp',
      \ err_io: 'null', callback: function('s:OnNotify')})
let s:ch = job_getchannel(s:job)
let s:uri = 'file://' . fnamemodify(g:file, ':p')
let s:lines = readfile(g:file)

" A request method as a notification first: no reply, and the server lives.
call ch_sendexpr(s:ch, #{method: 'initialize', params: {}})
let s:init = ch_evalexpr(s:ch, #{method: 'initialize',
      \ params: #{capabilities: #{general: #{positionEncodings: g:encodings}}}},
      \ #{timeout: 10000})
let s:encoding = s:init.result.capabilities.positionEncoding
call s:Say('encoding: ' . s:encoding)
call ch_sendexpr(s:ch, #{method: 'initialized', params: {}})
call ch_sendexpr(s:ch, #{method: 'textDocument/didOpen', params: #{textDocument:
      \ #{uri: s:uri, languageId: 'vyre', version: 1, text: join(s:lines, "\n") . "\n"}}})

func s:Request(method, line, character)
  let reply = ch_evalexpr(s:ch, #{method: a:method, params: #{
        \ textDocument: #{uri: s:uri}, position: #{line: a:line, character: a:character}}},
        \ #{timeout: 10000})
  return get(reply, 'result', 'no reply')
endfunc

" Hover and definition at the start of the first 'BINS' after the comment.
let s:row = match(s:lines, 'let x = BINS')
let s:at = s:Units(s:lines[s:row], stridx(s:lines[s:row], 'BINS'))
let s:hover = s:Request('textDocument/hover', s:row, s:at)
call s:Say('hover at ' . s:at . ': ' . matchstr(get(get(s:hover, 'contents', {}), 'value', 'null'), 'const BINS = \d\+')
      \ . (s:hover.range.start.character == s:at ? ', range starts there' : ', range elsewhere'))
let s:def = s:Request('textDocument/definition', s:row, s:at + 2)
call s:Say('definition: line ' . s:def.range.start.line . ', character ' . s:def.range.start.character)
" Past the end of the line before the handler: nothing (not the handler).
let s:short = match(s:lines, '^const BINS')
call s:Say('past the end: ' . json_encode(s:Request('textDocument/hover', s:short, strchars(s:lines[s:short]) + 9)))

" The diagnostic for 'nope', where Vim counts it.
let s:waited = 0
while empty(s:notes) && s:waited < 100
  sleep 50m
  let s:waited += 1
endwhile
for s:d in s:notes[0].params.diagnostics
  let s:want = s:Units(s:lines[s:row], stridx(s:lines[s:row], 'nope'))
  call s:Say('diagnostic: ' . s:d.message . (s:d.range.start.character == s:want
        \ ? ', at ' . s:want . ' as the client counts' : ', at ' . s:d.range.start.character . ', not ' . s:want))
endfor

call s:Say('shutdown: ' . json_encode(ch_evalexpr(s:ch, #{method: 'shutdown'}, #{timeout: 10000}).result))
call ch_sendexpr(s:ch, #{method: 'exit'})
let s:waited = 0
while job_status(s:job) ==# 'run' && s:waited < 100
  sleep 50m
  let s:waited += 1
endwhile
call s:Say('exit: ' . job_info(s:job).exitval)
call writefile(s:log, g:out)
qall!
