#lang info
(define collection "trd-port")
(define deps '("base" "typed-racket-lib"))
(define pkg-desc "Typed Racket sample: a setting parsed with assert when the module is instantiated")
