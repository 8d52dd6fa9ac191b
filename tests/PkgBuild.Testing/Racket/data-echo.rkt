#lang racket/base
;; Racket as the peer for our reader and writer: reads every datum in IN with `read` and writes each
;; back with `write`, one per line, to OUT.  Usage: racket data-echo.rkt IN OUT
(define args (current-command-line-arguments))
(call-with-input-file (vector-ref args 0)
  (lambda (in)
    (call-with-output-file (vector-ref args 1) #:exists 'truncate
      (lambda (out)
        (let loop ()
          (define d (read in))
          (unless (eof-object? d)
            (write d out)
            (newline out)
            (loop)))))))
