// packet path evaluator
