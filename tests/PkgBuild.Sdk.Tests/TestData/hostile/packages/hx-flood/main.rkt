#lang racket/base
;; Floods its output: 20 MB to stderr, which raco test --drdr hands on in one go when the test ends.
;; The log is cut at PkgBuildMaxLogSize with a marker.
(module+ test
  (for ([i (in-range 400000)])
    (write-string "flood flood flood flood flood flood flood\n" (current-error-port))))
