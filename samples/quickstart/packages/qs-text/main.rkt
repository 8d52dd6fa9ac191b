#lang racket/base
;; qs-text: titles and bullet lists, using qs-base's join-words and slugify.
(require racket/string
         qs-base)
(provide title
         anchor
         bullets)

(define (title s)
  (join-words (for/list ([w (in-list (string-split s))])
                (string-append (string-upcase (substring w 0 1)) (substring w 1)))))

(define (anchor s)
  (string-append "#" (slugify s)))

(define (bullets items)
  (join-words (for/list ([i (in-list items)]) (string-append "- " i)) "\n"))
