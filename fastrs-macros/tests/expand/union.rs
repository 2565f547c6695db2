// A discriminated union (Pydantic's `Union[Cat, Dog]` with
// `Field(discriminator="pet_type")`) and an untagged one (smart mode).

#[derive(Model)]
#[model(tag = "pet_type", rename_all = "lowercase")]
enum Pet {
    Cat(Cat),
    Dog(Dog),
}

#[derive(Model)]
enum Vehicle {
    Plane(PlaneItem),
    Car(CarItem),
}
