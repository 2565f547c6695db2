-- POST /users with a valid UserCreate body (expects 201).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"name":"Alice Smith","email":"alice@example.com","age":30,"bio":"Loves Rust and Python.","password":"correct-horse-battery"}'
