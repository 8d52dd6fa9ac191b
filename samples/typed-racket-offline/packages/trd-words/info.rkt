#lang info
(define collection "trd-words")
(define deps '("base" "typed-racket-lib"))
(define build-deps '("rackunit-lib"))
(define pkg-desc "Typed Racket sample: word counts, without assert")
