#lang typed/racket/base
(require racket/string)
(provide word-count)

(: word-count (-> String Natural))
(define (word-count s)
  (length (string-split s)))
