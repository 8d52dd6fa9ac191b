#lang racket/base
;; qs-base: small string and number helpers that the other quickstart packages use.
(require racket/string)
(provide greeting
         join-words
         slugify
         pad-left
         clamp
         mean)

;; (greeting "ann") => "hello, ann"
(define (greeting name)
  (string-append "hello, " name))

;; (join-words '("a" "b")) => "a b"
(define (join-words words [sep " "])
  (string-join words sep))

;; (slugify "Hello World!") => "hello-world"
(define (slugify s)
  (string-join (regexp-match* #px"[a-z0-9]+" (string-downcase s)) "-"))

;; (pad-left "7" 3) => "  7"
(define (pad-left s width [fill #\space])
  (define n (- width (string-length s)))
  (if (positive? n) (string-append (make-string n fill) s) s))

(define (clamp x lo hi)
  (max lo (min hi x)))

(define (mean xs)
  (if (null? xs) 0 (/ (apply + xs) (length xs))))

(module+ test
  (require rackunit)
  (check-equal? (greeting "ann") "hello, ann")
  (check-equal? (join-words '("a" "b" "c")) "a b c")
  (check-equal? (join-words '("a" "b") ", ") "a, b")
  (check-equal? (slugify "Hello, World!") "hello-world")
  (check-equal? (pad-left "7" 3) "  7")
  (check-equal? (pad-left "7" 3 #\0) "007")
  (check-equal? (pad-left "1234" 3) "1234")
  (check-equal? (clamp 5 0 3) 3)
  (check-equal? (clamp -1 0 3) 0)
  (check-equal? (mean '(1 2 3 4)) 5/2)
  (check-equal? (mean '()) 0))
