#lang racket/base
;; qs-base, the change under test:
;;  - greeting now capitalizes and adds "!" (a behaviour change: qs-app's tests fail);
;;  - join-words is renamed to words->string (a removed binding: qs-text no longer compiles,
;;    so qs-report, which depends on qs-text, is blocked);
;;  - everything else is unchanged (qs-math-ext, qs-stats and qs-cli still pass).
(require racket/string)
(provide greeting
         words->string
         slugify
         pad-left
         clamp
         mean)

;; (greeting "ann") => "Hello, ann!"
(define (greeting name)
  (string-append "Hello, " name "!"))

;; (words->string '("a" "b")) => "a b"
(define (words->string words [sep " "])
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
  (check-equal? (greeting "ann") "Hello, ann!")
  (check-equal? (words->string '("a" "b" "c")) "a b c")
  (check-equal? (words->string '("a" "b") ", ") "a, b")
  (check-equal? (slugify "Hello, World!") "hello-world")
  (check-equal? (pad-left "7" 3) "  7")
  (check-equal? (pad-left "7" 3 #\0) "007")
  (check-equal? (pad-left "1234" 3) "1234")
  (check-equal? (clamp 5 0 3) 3)
  (check-equal? (clamp -1 0 3) 0)
  (check-equal? (mean '(1 2 3 4)) 5/2)
  (check-equal? (mean '()) 0))
