#lang racket/base
;; Tries the network (this machine's loopback and the world): a guest has none.
(require racket/tcp)
(module+ test
  (for ([host '("127.0.0.1" "1.1.1.1")])
    (define-values (in out) (tcp-connect host 80))
    (printf "connected to ~a\n" host)))
