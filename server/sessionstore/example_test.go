package sessionstore_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"log"
	"net/http/httptest"
	"os"
	"path/filepath"

	"github.com/gorilla/securecookie"

	"github.com/formtest/formtest/server/sessionstore"
)

// A session saved in one request is loaded in the next from the id in its
// cookie; the values themselves stay in the database.
func Example() {
	dir, err := os.MkdirTemp("", "sessionstore-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	ctx := context.Background()
	db, err := sessionstore.Open(ctx, "sqlite:"+filepath.Join(dir, "sessions.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	store := sessionstore.NewStore(db, securecookie.CodecsFromPairs([]byte(rand.Text()+rand.Text())), nil)

	// POST /users: put the form's values in the session.
	req := httptest.NewRequest("POST", "/users", nil)
	rec := httptest.NewRecorder()
	sess, _ := store.Get(req, "session")
	sess.Values["name"] = "Ada"
	if err := store.Save(req, rec, sess); err != nil {
		log.Fatal(err)
	}
	cookie := rec.Result().Cookies()[0]

	// GET /show: the browser sends the cookie back.
	req = httptest.NewRequest("GET", "/show", nil)
	req.AddCookie(cookie)
	sess, err = store.Get(req, "session")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("name:", sess.Values["name"])

	row, _, _ := db.Row(ctx, sess.ID)
	values, _ := sessionstore.DecodeValues(row.Data)
	fmt.Println("in the database:", values["name"], "at", filepath.Base(row.Where))
	fmt.Println("the cookie carries a random id of", len(sess.ID), "characters")
	// Output:
	// name: Ada
	// in the database: Ada at sessions.db
	// the cookie carries a random id of 26 characters
}
