#lang info
(define collection "trd-clamp")
(define deps '("base" "typed-racket-lib"))
(define build-deps '("rackunit-lib"))
(define pkg-desc "Typed Racket sample: clamps a number, checking its result with assert")
