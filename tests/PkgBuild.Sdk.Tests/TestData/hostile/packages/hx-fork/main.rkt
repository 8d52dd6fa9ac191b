#lang racket/base
;; Starts processes without end: the sandbox's process limit stops it.
(require racket/system)
(module+ test
  (let loop ([n 0])
    (when (< n 100000)
      (with-handlers ([exn:fail? (lambda (e) (eprintf "fork refused after ~a processes: ~a\n" n (exn-message e)) (exit 1))])
        (process* "/bin/sleep" "60"))
      (loop (add1 n)))))
