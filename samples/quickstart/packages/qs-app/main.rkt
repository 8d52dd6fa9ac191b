#lang racket/base
;; qs-app: an "application" on top of qs-base. Its tests pin greeting's exact text.
(require qs-base)
(provide app-name
         main-greeting
         usage-line)

(define app-name "quickstart")

(define (main-greeting [who app-name])
  (greeting who))

;; "  --name  NAME   who to greet"
(define (usage-line flag arg text)
  (string-append (pad-left flag 8) "  " arg "   " text))

(module+ test
  (require rackunit)
  (check-equal? (main-greeting) "hello, quickstart")
  (check-equal? (main-greeting "bob") "hello, bob")
  (check-equal? (usage-line "--name" "NAME" "who to greet") "  --name  NAME   who to greet"))
