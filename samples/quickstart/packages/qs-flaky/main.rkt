#lang racket/base
;; qs-flaky: its code is fine; its test fails on a coin flip, like a test that races a timer.
;; The coin is seeded (29) and flipped per run (PKGBUILD_RUN, which the SDK sets: modified, baseline,
;; modified-confirm-1, ...), so the quickstart always sees the same thing: a failure with the change and a
;; pass without it (a candidate regression), then passes on every confirmation run: flaky.
(require qs-base file/sha1)
(provide clamp-percent)

(define (clamp-percent x) (clamp x 0 100))

(define (coin-says-pass? seed run)
  (even? (string->number (substring (sha1 (open-input-string (format "~a:~a" seed run))) 0 1) 16)))

(module+ test
  (require rackunit)
  (check-equal? (clamp-percent 150) 100)
  (define run (or (getenv "PKGBUILD_RUN") "by hand"))
  (printf "qs-flaky: run ~a\n" run)
  (check-true (coin-says-pass? 29 run) (format "the coin came up tails in run ~a" run)))
