#lang racket/base
;; Writes, one per line, data chosen for the traps in Racket's printed form: escapes, non-ASCII text,
;; byte strings, prefab structs, every hash kind, mixed-key hashes, improper pairs, symbols that need
;; quoting, and flonum edge cases.  Usage: racket data-corpus.rkt OUT
(define corpus
  (list
   "plain" "" "tab\there" "line\nbreak" "quote\" and backslash\\" "\a\b\v\f\r\e\0"
   "λ café 日本語 😀 \u00A0nbsp \u2028ls \uFEFFbom \U10FFFF \uE000 \u0301"
   (apply string (for/list ([i (in-range 0 256)]) (integer->char i)))
   #"" #"bytes" (apply bytes (for/list ([i 256]) i)) (bytes 0 49 7 50 200 49 1 55)
   'sym '|with space| '|| '|.| '|1| '|1/2| '|+inf.0| '|#hash| (string->symbol "a|b") (string->symbol "a\\b") 'λ '|(| '|;| '#%app '|A|
   '#:kw (string->keyword "with space") (string->keyword "") (string->keyword "1")
   0 -1 (expt 2 100) (- (expt 3 77)) 1/3 -22/7 (/ (expt 10 30) 7)
   0.0 -0.0 +inf.0 -inf.0 +nan.0 1e21 1e20 1e-7 0.0001 1e-5 123.0 0.1 5e-324 1.7976931348623157e308
   12345678901234567890.0 1.2345678901234567e20 1e13 1e14 (/ 1.0 3)
   #t #f #\a #\space #\newline #\nul #\tab #\rubout #\backspace #\vtab #\page #\return #\u1 #\λ #\u00A0
   #\uFFFF #\U10FFFF #\U1F600 #\( #\# #\\ #\"
   '() '(1 2 3) '(1 . 2) '(1 2 . 3) '((a . b) (c . (d . ()))) '(quote a) '(quasiquote (a (unquote b)))
   (vector) (vector 1 "two" 'three) (box 1) (box (box '()))
   (read (open-input-string "#s(point 1 2)")) (read (open-input-string "#s((point #(1)) 1 2)"))
   (read (open-input-string "#s(empty)"))
   #rx"a.b" #px"\\d+" #rx#"x" #px#"[0-9]"
   (hash) (hasheq) (hasheqv) (hashalw)
   (hash "string" 1 'symbol 2 42 3 '(list key) 4 #(1 2) 5 #\c 6 2.5 7 #"bytes" 8 #t 9)
   (hasheq 'a 1 'b '(2) '#:k 3 #\x 4 7 5)
   (hasheqv 1.5 'a -0.0 'b 0.0 'c 100000000000000000000000 'd #\z 'e)
   (hashalw '(1 2) 'list 3 'three 'sym "value")
   (hash 'source "git+https://github.com/racket/typed-racket?path=typed-racket-lib#main"
         'checksum "0123456789abcdef0123456789abcdef01234567"
         'versions (hash "8.7" (hash 'source "x") 'default (hash 'checksum ""))
         'search-terms (hasheq 'ring:1 #t 'author:me #t)
         'dependencies '("base" ("typed-racket-lib" #:version "1.10") ("x" #:platform unix)))))
(call-with-output-file (vector-ref (current-command-line-arguments) 0) #:exists 'truncate
  (lambda (out)
    (for ([d (in-list corpus)])
      (write d out)
      (newline out))))
