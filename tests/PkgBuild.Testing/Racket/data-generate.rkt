#lang racket/base
;; Writes COUNT random datums, one per line, with `write`: the data our reader must read and our writer
;; must write back equal? (and, since we keep hash order, byte for byte).  Characters come from ranges
;; whose Unicode categories are the same in Racket 8.7 and .NET, so the printed forms can be compared.
;; Usage: racket data-generate.rkt SEED COUNT OUT
(define args (current-command-line-arguments))
(random-seed (string->number (vector-ref args 0)))
(define count (string->number (vector-ref args 1)))

(define char-ranges
  '((#x20 . #x7e) (0 . #x1f) (#x7f . #xff) (#x391 . #x3c9) (#x4e00 . #x4e80) (#x1f600 . #x1f64f)
    (#x2000 . #x200b) (#x2028 . #x2029) (#xfeff . #xfeff) (#xe000 . #xe010) (#xfffe . #xffff)
    (#x10fffd . #x10ffff) (#x300 . #x36f)))
(define (pick lst) (list-ref lst (random (length lst))))
(define (random-char)
  (define r (if (< (random) 0.6) (car char-ranges) (pick char-ranges)))
  (integer->char (+ (car r) (random (+ 1 (- (cdr r) (car r)))))))
(define specials (string->list "|\\#()[]{}\"',`;. @"))
(define (random-text)
  (define n (random 8))
  (list->string (for/list ([i n]) (if (< (random) 0.15) (pick specials) (random-char)))))
(define number-like '("1" "1.5" "+inf.0" "-nan.0" "1/2" "#e1" "." "-" "+" "+i" "1e3" "1#" ".5" "#%app" "#" "..." "a.b" "1a" "-a"))
(define (random-name) (if (< (random) 0.2) (pick number-like) (random-text)))

(define (random-flonum)
  (case (random 6)
    [(0) (pick (list +inf.0 -inf.0 +nan.0 0.0 -0.0 1e21 1e-7 5e-324 1.7976931348623157e308))]
    [(1) (exact->inexact (/ (random 100000) (+ 1 (random 1000))))]
    [(2) (* (random) (expt 10.0 (- (random 40) 20)))]
    [else
     (let loop ()
       (define v (floating-point-bytes->real (apply bytes (for/list ([i 8]) (random 256)))))
       (if (eqv? v +nan.0) (loop) v))]))

(define (random-atom)
  (case (random 13)
    [(0) (< (random) 0.5)]
    [(1) (- (random 2000) 1000)]
    [(2) (* (if (< (random) 0.5) -1 1) (expt 7 (+ 20 (random 60))))]
    [(3) (/ (- (random 2000) 1000) (+ 1 (random 97)))]
    [(4 5) (random-flonum)]
    [(6) (random-char)]
    [(7 8) (random-text)]
    [(9) (apply bytes (for/list ([i (random 10)]) (random 256)))]
    [(10) (string->symbol (random-name))]
    [(11) (string->keyword (random-name))]
    [else (if (< (random) 0.5)
              (regexp (regexp-quote (random-text)))
              (byte-pregexp (regexp-quote (string->bytes/utf-8 (random-text)))))]))

(define (eq-key)
  (case (random 4)
    [(0) (string->symbol (random-name))]
    [(1) (- (random 2000) 1000)]
    [(2) (random-char)]
    [else (string->keyword (random-name))]))

(define (random-datum depth)
  (if (or (<= depth 0) (< (random) 0.35))
      (random-atom)
      (let ([n (random 5)] [d (sub1 depth)])
        (case (random 9)
          [(0 1) (for/list ([i n]) (random-datum d))]
          [(2) (let loop ([i (add1 n)]) (if (= i 0) (random-atom) (cons (random-datum d) (loop (sub1 i)))))]
          [(3) (for/vector ([i n]) (random-datum d))]
          [(4) (for/hash ([i n]) (values (random-datum d) (random-datum d)))]
          [(5) (for/hasheq ([i n]) (values (eq-key) (random-datum d)))]
          [(6) (for/hasheqv ([i n]) (values (if (< (random) 0.5) (random-flonum) (eq-key)) (random-datum d)))]
          [(7) (box (random-datum d))]
          [else (apply make-prefab-struct (pick '(point p |a b| node)) (for/list ([i n]) (random-datum d)))]))))

(call-with-output-file (vector-ref args 2) #:exists 'truncate
  (lambda (out)
    (for ([i count])
      (write (random-datum 4) out)
      (newline out))))
