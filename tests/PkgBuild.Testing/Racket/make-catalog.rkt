#lang racket/base
;; Writes a directory catalog DIR (pkg/<name> only, as a catalog server might) with entries shaped like the
;; public catalog's: non-ASCII descriptions, versions with a default, dependencies with keywords, a
;; #hasheq of search terms, relative and git sources.  `raco pkg catalog-copy` then copies it.
;; Usage: racket make-catalog.rkt DIR COUNT
(require racket/file)
(define args (current-command-line-arguments))
(define dir (vector-ref args 0))
(define count (string->number (vector-ref args 1)))
(make-directory* (build-path dir "pkg"))
(for ([i count])
  (define name (format "pkg-~a~a" i (if (even? i) "" "_x")))
  (define entry
    (hash 'name name
          'source (case (modulo i 3)
                    [(0) (format "../pkgs/~a.zip" name)]
                    [(1) (format "git+https://github.com/example/~a.git?path=~a#main" name name)]
                    [else name])
          'checksum (if (zero? (modulo i 3)) "0123456789abcdef0123456789abcdef01234567" "")
          'author "Ann Ümlaut <ann@example.org>"
          'description (format "Package ~a: λ-calculus, “quotes”, tab\there, 日本語 😀" i)
          'tags (list "typed" "λ")
          'dependencies (list "base" (list "typed-racket-lib" '#:version "1.10") (list "gui-lib" '#:platform 'unix))
          'modules (list (list 'lib (format "~a/main.rkt" name)))
          'versions (hash "8.7" (hash 'source "old") 'default (hash 'checksum ""))
          'ring (modulo i 3)
          'last-updated (+ 1600000000 i)
          'search-terms (hasheq 'ring:1 #t (string->symbol (format "author:~a" i)) #t)
          'conflicts '()
          'implies (list "base")))
  (call-with-output-file (build-path dir "pkg" name) #:exists 'truncate
    (lambda (out) (write entry out))))
