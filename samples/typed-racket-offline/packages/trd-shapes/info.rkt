#lang info
(define collection "trd-shapes")
(define deps '("base" "typed-racket-lib"))
(define build-deps '("rackunit-lib"))
(define pkg-desc "Typed Racket sample: shapes and their areas, without assert")
