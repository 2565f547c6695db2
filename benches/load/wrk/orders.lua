-- POST /orders with a nested body of 3 lines (expects 200, item_count 6).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"items":[{"product_id":1,"quantity":1},{"product_id":2,"quantity":2},{"product_id":3,"quantity":3}],"shipping_address":{"street":"1 Main St","city":"Springfield","country":"US","zip_code":"12345"},"notes":"Leave at the door."}'
