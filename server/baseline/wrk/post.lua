-- POST /users with the lesson's form values.
wrk.method = "POST"
wrk.body = "name=Jay&email=kpatel%40codingdojo.com"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
